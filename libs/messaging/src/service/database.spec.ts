import { databaseInUri, mongooseRootOptions } from './database';

describe('databaseInUri', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/?directConnection=true', null],
    ['mongodb://127.0.0.1:27017', null],
    ['mongodb://127.0.0.1:27017/', null],
    ['mongodb://a:1,b:2,c:3/spilno_users?replicaSet=rs0', 'spilno_users'],
    ['mongodb+srv://user:pw@cluster.example.org/users_prod', 'users_prod'],
  ])('reads %s as %s', (uri, expected) => {
    expect(databaseInUri(uri)).toBe(expected);
  });
});

describe('mongooseRootOptions', () => {
  it("names the service's own database when the URI names none", () => {
    const options = mongooseRootOptions('donations', 'mongodb://h:1/?replicaSet=rs0');

    expect(options.dbName).toBe('donations');
  });

  it('keeps the database the URI names', () => {
    expect(mongooseRootOptions('donations', 'mongodb://h:1/test_abc').dbName).toBe('test_abc');
  });
});
