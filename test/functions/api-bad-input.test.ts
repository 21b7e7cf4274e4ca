/**
 * Bad input on every route (DETAILS X3, P2, P3, P4, P7, P10, P14): the right status and stable code,
 * the error body shape, and a store left exactly as it was. Through the local HTTP bridge into the
 * real `api` handler and DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { acmeApplication, testStack, TOKEN } from '../support.ts';

type Stack = Awaited<ReturnType<typeof testStack>>;
let stack: Stack;

async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as { code: string; message: string; details: Record<string, unknown> } };
}
const send = (method: string, path: string, body?: unknown) => raw(method, path, body === undefined ? undefined : JSON.stringify(body));

async function scan() {
  const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
  const r = await db.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }));
  return (r.Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

const app = acmeApplication;
const contractor = (over: Record<string, unknown>) => ({ ...app().contractor, ...over });

beforeAll(async () => {
  stack = await testStack('2024-02-01', { ports: { api: 0 } });
  // Fixtures: 'first' waits (received), 'second' was received after it, 'done' was rejected,
  // 'heir' shares its corporate number with 'gone', a unit terminated for non-payment.
  for (const [ref, num] of [
    ['first', '4011001000001'],
    ['second', '3011001000002'],
    ['done', '2011001000003'],
    ['gone', '1011001000004'],
    ['heir', '1011001000004'],
  ] as const)
    expect((await send('POST', '/applications', app({ ref, contractor: contractor({ corporateNumber: num }) }))).status).toBe(201);
  expect((await send('POST', '/applications/done/reject', { reason: '審査の結果' })).status).toBe(200);
  const gone = (await stack.store.units.get('gone'))!;
  await stack.store.units.save({ ...gone, status: 'terminated', application: { status: 'accepted' } }, { outbox: [], wakeUps: [] });
  await stack.drain();
});
afterAll(async () => stack?.stop());

const longRef = 'x'.repeat(65);

describe.each([
  // route, method, path, body (string = raw), status, code
  ['apply: malformed JSON', 'POST', '/applications', '{"ref": "a",', 400, 'VALIDATION_FAILED'],
  ['apply: empty body', 'POST', '/applications', '', 400, 'VALIDATION_FAILED'],
  ['apply: an array', 'POST', '/applications', [], 400, 'VALIDATION_FAILED'],
  ['apply: missing plan', 'POST', '/applications', { ...app({ ref: 'n1' }), plan: undefined }, 400, 'VALIDATION_FAILED'],
  ['apply: accounts as a string', 'POST', '/applications', app({ ref: 'n1', accounts: '10' }), 400, 'VALIDATION_FAILED'],
  ['apply: accounts 0 (P4)', 'POST', '/applications', app({ ref: 'n1', accounts: 0 }), 400, 'VALIDATION_FAILED'],
  ['apply: fractional accounts', 'POST', '/applications', app({ ref: 'n1', accounts: 5.5 }), 400, 'VALIDATION_FAILED'],
  ['apply: unknown field', 'POST', '/applications', app({ ref: 'n1', discount: 50 }), 400, 'VALIDATION_FAILED'],
  [
    'apply: unknown contractor field',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ vip: true }) }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'apply: bad e-mail',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ accountManager: { name: 'x', email: 'nope' } }) }),
    400,
    'VALIDATION_FAILED',
  ],
  ['apply: bad ref', 'POST', '/applications', app({ ref: 'a b' }), 400, 'VALIDATION_FAILED'],
  ['apply: too long ref', 'POST', '/applications', app({ ref: longRef }), 400, 'VALIDATION_FAILED'],
  ['apply: duplicate ref (P5)', 'POST', '/applications', app({ ref: 'first' }), 422, 'VALIDATION_FAILED'],
  ['apply: unknown plan', 'POST', '/applications', app({ ref: 'n1', plan: 'gold' }), 422, 'VALIDATION_FAILED'],
  [
    'apply: individual (Art 11)',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ kind: 'individual' }) }),
    422,
    'INELIGIBLE_APPLICANT',
  ],
  [
    'apply: voluntary group',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ kind: 'voluntary_group' }) }),
    422,
    'INELIGIBLE_APPLICANT',
  ],
  [
    'apply: individual with a bad number (P2)',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ kind: 'individual', corporateNumber: '123' }) }),
    422,
    'INELIGIBLE_APPLICANT',
  ],
  [
    'apply: bad check digit',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ corporateNumber: '7700110005901' }) }),
    422,
    'INVALID_CORPORATE_NUMBER',
  ],
  [
    'apply: 12 digits (P3)',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ corporateNumber: '700110005901' }) }),
    422,
    'INVALID_CORPORATE_NUMBER',
  ],
  [
    'apply: no corporate number (P3)',
    'POST',
    '/applications',
    app({ ref: 'n1', contractor: contractor({ corporateNumber: undefined }) }),
    422,
    'INVALID_CORPORATE_NUMBER',
  ],
  ['apply: too few accounts (Art 12)', 'POST', '/applications', app({ ref: 'n1', accounts: 4 }), 422, 'BELOW_MIN_ACCOUNTS'],
  [
    'apply: bad number AND too few (P2)',
    'POST',
    '/applications',
    app({ ref: 'n1', accounts: 4, contractor: contractor({ corporateNumber: '1' }) }),
    422,
    'INVALID_CORPORATE_NUMBER',
  ],
  ['list: bad status', 'GET', '/applications?status=bogus', undefined, 400, 'VALIDATION_FAILED'],
  ['list: unknown query key', 'GET', '/applications?colour=red', undefined, 400, 'VALIDATION_FAILED'],
  ['accept: unknown application', 'POST', '/applications/nobody/accept', { startDate: '2024-02-15' }, 404, 'NOT_FOUND'],
  ['accept: unknown before bad body (P10)', 'POST', '/applications/nobody/accept', { startDate: '2024-02-15' }, 404, 'NOT_FOUND'],
  ['accept: not a date', 'POST', '/applications/first/accept', { startDate: '2024-02-30' }, 400, 'VALIDATION_FAILED'],
  ['accept: date with time', 'POST', '/applications/first/accept', { startDate: '2024-02-15T00:00:00Z' }, 400, 'VALIDATION_FAILED'],
  ['accept: missing startDate', 'POST', '/applications/first/accept', {}, 400, 'VALIDATION_FAILED'],
  ['accept: unknown field', 'POST', '/applications/first/accept', { startDate: '2024-02-15', force: true }, 400, 'VALIDATION_FAILED'],
  ['accept: start in the past (P11)', 'POST', '/applications/first/accept', { startDate: '2024-01-31' }, 422, 'VALIDATION_FAILED'],
  [
    'accept: out of order (Art 6-1)',
    'POST',
    '/applications/second/accept',
    { startDate: '2024-02-15' },
    409,
    'EARLIER_APPLICATION_PENDING',
  ],
  ['accept: already rejected (P7)', 'POST', '/applications/done/accept', { startDate: '2024-02-15' }, 422, 'VALIDATION_FAILED'],
  ['reject: missing reason (P14)', 'POST', '/applications/first/reject', {}, 400, 'VALIDATION_FAILED'],
  ['reject: blank reason', 'POST', '/applications/first/reject', { reason: '   ' }, 400, 'VALIDATION_FAILED'],
  ['reject: unknown application', 'POST', '/applications/nobody/reject', { reason: 'x' }, 404, 'NOT_FOUND'],
  ['reject: already rejected (P7)', 'POST', '/applications/done/reject', { reason: 'again' }, 422, 'VALIDATION_FAILED'],
  ['defer: missing expectedOn (P14)', 'POST', '/applications/first/defer', { reason: '確認中' }, 400, 'VALIDATION_FAILED'],
  ['defer: bad expectedOn', 'POST', '/applications/first/defer', { reason: '確認中', expectedOn: '2024-13-01' }, 400, 'VALIDATION_FAILED'],
  ['unit: unknown', 'GET', '/units/nobody', undefined, 404, 'NOT_FOUND'],
  ['unit: bad id', 'GET', '/units/a%20b', undefined, 404, 'NOT_FOUND'],
  ['unknown route', 'GET', '/nowhere', undefined, 404, 'NOT_FOUND'],
  ['wrong method', 'DELETE', '/applications', undefined, 405, 'METHOD_NOT_ALLOWED'],
] as const)('%s', (_name, method, path, body, status, code) => {
  it(`→ ${status} ${code}, store unchanged`, async () => {
    const before = await scan();
    const r = typeof body === 'string' ? await raw(method, path, body) : await send(method, path, body);
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    expect(typeof r.body.message).toBe('string');
    expect(r.body.details).toBeTypeOf('object');
    expect(await scan()).toEqual(before);
  });
});

describe('auth and delinquency', () => {
  it.each([
    ['no token', {}],
    ['wrong token', { authorization: 'Bearer nope' }],
    ['not bearer', { authorization: `Basic ${TOKEN}` }],
  ])('%s → 401 UNAUTHORIZED on every route, store unchanged', async (_n, headers) => {
    const before = await scan();
    for (const [method, path] of [
      ['POST', '/applications'],
      ['GET', '/applications'],
      ['POST', '/applications/first/accept'],
      ['GET', '/units/first'],
    ]) {
      const res = await fetch(`${stack.urls.api}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: method === 'POST' ? JSON.stringify(app({ ref: 'x1' })) : undefined,
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    }
    expect(await scan()).toEqual(before);
  });

  it('an applicant whose other contract was terminated for non-payment is refused (Art 6-2(2), P12), after FIFO (P10)', async () => {
    // 'heir' is behind 'first' and 'second': FIFO comes first.
    expect((await send('POST', '/applications/heir/accept', { startDate: '2024-02-15' })).body.code).toBe('EARLIER_APPLICATION_PENDING');
    expect((await send('POST', '/applications/first/defer', { reason: '確認中', expectedOn: '2024-03-01' })).status).toBe(200);
    expect((await send('POST', '/applications/second/defer', { reason: '確認中', expectedOn: '2024-03-01' })).status).toBe(200);
    await stack.drain();
    const before = await scan();
    const r = await send('POST', '/applications/heir/accept', { startDate: '2024-02-15' });
    expect(r).toMatchObject({ status: 409, body: { code: 'APPLICANT_DELINQUENT' } });
    expect(await scan()).toEqual(before);
  });
});
