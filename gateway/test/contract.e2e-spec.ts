/**
 * Contract fuzzing (fast-check) over every route of the OpenAPI document that takes a JSON
 * body or query parameters, through the whole system: bodies the document accepts and bodies
 * it refuses (unknown fields, wrong types, operator objects, `__proto__`, huge strings,
 * invalid UTF-8, missing fields, non-objects). Properties: never a 5xx; every answer's status
 * is documented for the route and its body matches the documented schema; a refused body is
 * a 400 (413 when over the size limit) and changes nothing.
 */
import fc from 'fast-check';
import request from 'supertest';
import { invalidBody, validValue } from './contract/arbitraries';
import { OpenApiDocument, Operation, operationsOf, ResponseChecker } from './contract/openapi';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startSystem, TestSystem } from './system';

const VALID_RUNS = Number(process.env.CONTRACT_VALID_RUNS ?? 15);
const INVALID_RUNS = Number(process.env.CONTRACT_INVALID_RUNS ?? 30);
/** fast-check's seed, printed on failure; set CONTRACT_SEED to replay a run. */
const SEED = process.env.CONTRACT_SEED ? Number(process.env.CONTRACT_SEED) : undefined;

interface Fixtures {
  /** The admin's: authorization never hides validation. */
  token: string;
  /** Another person, the target of user routes (never the admin: roles changes would revoke it). */
  userId: string;
  organizationId: string;
}

describe('the HTTP contract under generated input (e2e, whole system)', () => {
  let system: TestSystem;
  let doc: OpenApiDocument;
  let checker: ResponseChecker;
  let fixtures: Fixtures;

  beforeAll(async () => {
    system = await startSystem();
    doc = (await system.http.get('/api/docs-json').expect(200)).body as OpenApiDocument;
    checker = new ResponseChecker(doc);
    fixtures = await createFixtures(system.http);
  });

  afterAll(async () => {
    await system?.close();
  });

  /** Calls `op` as the admin (so authorization never hides validation) and checks the answer. */
  async function call(op: Operation, body: string | Buffer | null, query: string) {
    let req = system.http[op.method.toLowerCase() as 'get'](`${concretePath(op)}${query}`).set(
      'Authorization',
      `Bearer ${fixtures.token}`,
    );
    if (body !== null) req = req.set('Content-Type', 'application/json').send(body);
    const res = await req;
    const body5xx = res.status >= 500 ? `: ${JSON.stringify(res.body)}` : '';
    expect({ route: op.key, status: res.status }).toEqual({
      route: op.key,
      status: res.status < 500 ? res.status : `no 5xx${body5xx}`,
    });
    const problems = checker.problems(op, res.status, res.headers['content-type'], res.body);
    expect({ route: op.key, status: res.status, problems }).toEqual({
      route: op.key,
      status: res.status,
      problems: [],
    });
    return res;
  }

  function concretePath(op: Operation): string {
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => pathValue(op.path, name));
  }

  function pathValue(path: string, name: string): string {
    if (name === 'id' && path.includes('/organizations/')) return fixtures.organizationId;
    if (name === 'id' && path.includes('/users/')) return fixtures.userId;
    if (name === 'userId') return fixtures.userId;
    if (name === 'name') return 'users';
    // Other resources: an id nobody holds; the route must then answer a documented 404.
    return 'ffffffffffffffffffffffff';
  }

  it('documents every route it serves and at least the routes of the accounts issue', () => {
    const keys = operationsOf(doc).map((op) => op.key);
    for (const expected of [
      'POST /api/v1/auth/register',
      'POST /api/v1/auth/login',
      'PATCH /api/v1/me',
      'POST /api/v1/organizations',
    ]) {
      expect(keys).toContain(expected);
    }
  });

  it('answers generated valid bodies with documented statuses and shapes, never a 5xx', async () => {
    for (const op of operationsOf(doc).filter((o) => o.body)) {
      await fc.assert(
        fc.asyncProperty(validValue(doc, op.body!), async (body) => {
          await call(op, JSON.stringify(body), '');
        }),
        { numRuns: VALID_RUNS, seed: SEED },
      );
    }
  });

  it('refuses generated invalid bodies with a 400 problem, never a 5xx', async () => {
    for (const op of operationsOf(doc).filter((o) => o.body)) {
      await fc.assert(
        fc.asyncProperty(invalidBody(doc, op.body!), async (invalid) => {
          const res = await call(op, invalid.raw, '');
          expect({ route: op.key, mutation: invalid.mutation, status: res.status }).toEqual({
            route: op.key,
            mutation: invalid.mutation,
            status: 400,
          });
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: INVALID_RUNS, seed: SEED },
      );
    }
  });

  it('answers generated query strings (valid and not) with documented answers, never a 5xx', async () => {
    const withQuery = operationsOf(doc).filter((o) => o.parameters.some((p) => p.in === 'query'));
    for (const op of withQuery) {
      const params = op.parameters.filter((p) => p.in === 'query');
      const valid = fc.record(
        Object.fromEntries(params.map((p) => [p.name, validValue(doc, p.schema ?? {})])),
        { requiredKeys: params.filter((p) => p.required).map((p) => p.name) },
      );
      // Over every parameter's length limit, yet (percent-encoded) well under the 16 KiB that
      // Node's HTTP parser allows for a request head (beyond it Node answers 431 by itself).
      const broken = fc.record(
        Object.fromEntries(
          params.map((p) => [
            p.name,
            fc.constantFrom<unknown>('-1', 'abc', '1e309', '[$gt]=', 'ffff', 'я'.repeat(200)),
          ]),
        ),
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(valid, broken), async (query) => {
          const search = new URLSearchParams(
            Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
          ).toString();
          await call(op, null, search ? `?${search}` : '');
        }),
        { numRuns: VALID_RUNS + INVALID_RUNS, seed: SEED },
      );
    }
  });
});

async function createFixtures(http: ReturnType<typeof request>): Promise<Fixtures> {
  const login = await http
    .post('/api/v1/auth/login')
    .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    .expect(200);
  const token = login.body.accessToken as string;
  const target = await http
    .post('/api/v1/auth/register')
    .send({
      email: 'target@spilno.test',
      password: 'target person passphrase',
      displayName: 'Ціль',
    })
    .expect(201);
  const organization = await http
    .post('/api/v1/organizations')
    .set('Authorization', `Bearer ${token}`)
    .send({ name: 'Фонд «Спільно»', kind: 'ngo', region: 'UA-12' })
    .expect(201);
  return {
    token,
    userId: target.body.user.id as string,
    organizationId: organization.body.id as string,
  };
}
