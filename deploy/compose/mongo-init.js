// Runs once per deployment (the mongo-init job): makes the three mongod a replica set, then
// waits for a primary so the services start against a writable set. Safe to re-run.
const members = ['mongo-1:27017', 'mongo-2:27017', 'mongo-3:27017'].map((host, i) => ({
  _id: i,
  host,
}));

try {
  rs.status();
  print('replica set rs0 already initiated');
} catch (e) {
  if (e.codeName !== 'NotYetInitialized') throw e;
  rs.initiate({ _id: 'rs0', members });
  print('replica set rs0 initiated');
}

const deadline = Date.now() + 60_000;
while (!rs.status().members.some((m) => m.stateStr === 'PRIMARY')) {
  if (Date.now() > deadline) throw new Error('no primary elected within 60 s');
  sleep(500);
}
print('replica set rs0 has a primary');
