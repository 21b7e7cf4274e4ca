/**
 * The OpenAPI document: docs/openapi.json is current, every route of the api handler is listed (and
 * nothing else but GET /openapi.json), every $ref resolves, and the response schema matches what
 * functions/api/views.ts actually writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accept, defer, newApplication } from '#domain/applications.ts';
import { date, jstInstant } from '#domain/calendar.ts';
import type { CompensationRecord, Outage } from '#domain/outages.ts';
import { outageView } from '#use-cases/outages.ts';
import { buildConfig } from '#domain/config.ts';
import { cancel } from '#domain/cancellation.ts';
import { addLine } from '#domain/contracts.ts';
import type { Unit } from '#domain/unit.ts';
import { routes } from '#functions/api/handler.ts';
import type { ApiDeps } from '#functions/api/deps.ts';
import { unitView } from '#functions/api/views.ts';
import { advanceUnit } from '#domain/lifecycle.ts';
import { recordPayment } from '#domain/payments.ts';
import { invoiceView, listInvoices, unitBalance } from '#use-cases/billing.ts';
import type { CoreDeps } from '#use-cases/ports.ts';
import {
  API_ROUTES,
  BalanceView,
  InvoiceList,
  InvoiceView,
  OutageList,
  OutageView,
  UnitList,
  UnitView,
  buildOpenApi,
  openApiDocument,
} from '#runtime/openapi.ts';
import type { Principal } from '#use-cases/authz.ts';

const OP: Principal = { id: 'test-operator', role: 'operator' };

const ROOT = join(import.meta.dirname, '..', '..');
type Doc = {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
  components: Record<string, Record<string, unknown>>;
};
const doc = buildOpenApi() as Doc;

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const handlerRoutes = () => routes({} as unknown as ApiDeps).map((r) => key(r.method, r.path));
const documentRoutes = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => key(m, path)));

describe('docs/openapi.json', () => {
  it('is current (regenerate with `npm run openapi`)', () => {
    const onDisk = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8'));
    expect(onDisk, 'docs/openapi.json is stale: run `npm run openapi`').toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('is deterministic and built once for GET /openapi.json', () => {
    expect(JSON.stringify(buildOpenApi())).toBe(JSON.stringify(buildOpenApi()));
    expect(openApiDocument()).toBe(openApiDocument());
  });
});

describe('routes', () => {
  it('lists every route of the api handler, and nothing more than GET /openapi.json', () => {
    const handler = new Set(handlerRoutes());
    for (const r of handler) expect(documentRoutes(), `${r} is missing from API_ROUTES (shared/runtime/openapi.ts)`).toContain(r);
    const extra = documentRoutes().filter((r) => !handler.has(r));
    expect(
      extra.filter((r) => r !== 'GET /openapi.json'),
      'routes documented but not served',
    ).toEqual([]);
  });

  it('has unique routes and operation ids', () => {
    expect(new Set(API_ROUTES.map((r) => key(r.method, r.path))).size).toBe(API_ROUTES.length);
    expect(new Set(API_ROUTES.map((r) => r.operationId)).size).toBe(API_ROUTES.length);
  });

  it('documents a success response, 401, 403, 429 and 500 for every operation, 404 wherever there is an {id}, and each body', () => {
    for (const r of API_ROUTES) {
      const op = doc.paths[r.path]![r.method.toLowerCase()]!;
      const statuses = Object.keys(op.responses);
      expect(statuses, r.operationId).toEqual(
        expect.arrayContaining([String(r.response.status), ...(r.public ? [] : ['401']), '403', '429', '500']),
      );
      if (r.path.includes('{id}')) expect(statuses, r.operationId).toContain('404');
      expect(Boolean((op as { requestBody?: unknown }).requestBody), r.operationId).toBe(r.body !== undefined);
      if (r.body) expect(statuses, `${r.operationId}: a body can be malformed`).toContain('400');
    }
  });

  it('lists the error codes of DETAILS X3 under their statuses', () => {
    const codes = (path: string, method: string, status: number) =>
      (
        (doc.paths[path]![method]!.responses[status] as any).content['application/json'].schema.allOf[1].properties.code.enum as string[]
      ).sort();
    expect(codes('/applications', 'post', 422)).toEqual([
      'BELOW_MIN_ACCOUNTS',
      'INELIGIBLE_APPLICANT',
      'INVALID_CORPORATE_NUMBER',
      'VALIDATION_FAILED',
    ]);
    expect(codes('/applications/{id}/accept', 'post', 409)).toEqual([
      'APPLICANT_DELINQUENT',
      'CONCURRENT_MODIFICATION',
      'EARLIER_APPLICATION_PENDING',
    ]);
    expect(codes('/units/{id}/cancellations', 'post', 409)).toEqual([
      'CANCELLATION_DEADLINE_PASSED',
      'CONCURRENT_MODIFICATION',
      'UNIT_CANCELLATION_PENDING',
      'UNIT_NOT_ACTIVE',
    ]);
    expect(codes('/units/{id}/cancellations', 'post', 422)).toEqual(['NOT_A_MONTH_END', 'VALIDATION_FAILED']);
    expect(codes('/units/{id}', 'get', 404)).toEqual(['NOT_FOUND']);
    expect(codes('/invoices/{id}/payments', 'post', 409)).toEqual([
      'CONCURRENT_MODIFICATION',
      'IDEMPOTENCY_KEY_REUSED',
      'PAYMENT_EXCEEDS_BALANCE',
    ]);
  });

  it('documents 405 on every operation, 413/415 on every body, and pages on every list', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(
        ops as Record<string, { responses: Record<string, unknown>; requestBody?: unknown; parameters?: { name: string }[] }>,
      )) {
        expect(op.responses['405'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/MethodNotAllowed' });
        if (op.requestBody) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['413', '415']));
        const list = JSON.stringify(op.responses['200'] ?? {}).includes('List"');
        if (list)
          expect(
            (op.parameters ?? []).map((p) => p.name),
            `${method} ${path}`,
          ).toEqual(expect.arrayContaining(['limit', 'next']));
      }
    }
  });

  it('documents the Idempotency-Key header of payments', () => {
    const op = doc.paths['/invoices/{id}/payments']!.post as unknown as { parameters: { name: string; in: string; required: boolean }[] };
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
  });

  it('resolves every $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, section, name] of refs) expect(doc.components[section!]?.[name!], `#/components/${section}/${name}`).toBeDefined();
  });
});

describe('the Unit schema matches functions/api/views.ts', () => {
  const config = buildConfig({});
  const today = date('2025-01-10');
  const contractor = {
    kind: 'corporation',
    name: '株式会社アクメ',
    corporateNumber: '8700110005901',
    accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
    agent: { name: '代理店', email: 'agent@agency.example' },
  };
  const received: Unit = { ...newApplication('acme', { plan: 'kokona', accounts: 5, contractor }, today), receivedSeq: 1, version: 1 };
  const deferred = defer(received, '審査中', date('2025-02-01'), today, config).unit;
  const active = accept(received, today, today, config).unit;
  const withLine = addLine(active, { id: 'acme-2', accounts: 2, startDate: today }, today, config).unit;
  const lineCancelled = cancel(withLine, { end: 'term_end', line: 'acme-2' }, today, config).unit;
  const unitCancelled = cancel({ ...withLine, desktops: { 'acme-001': 'ws-0123456789' } }, { end: 'term_end' }, today, config).unit;

  it.each([
    ['received', received],
    ['deferred', deferred],
    ['active', active],
    ['with an additional line', withLine],
    ['with a line cancellation', lineCancelled],
    ['cancelled, with a desktop', unitCancelled],
  ])('%s unit', (_, unit) => {
    const view = unitView(unit, config);
    const parsed = UnitView.safeParse(view);
    expect(parsed.success ? [] : parsed.error.issues, 'update UnitView in shared/runtime/openapi.ts').toEqual([]);
    expect(UnitView.safeParse(unitView(unit)).success).toBe(true);
    expect(UnitList.safeParse({ items: [view], next: null }).success).toBe(true);
  });
});

describe('the invoice schemas match shared/use-cases/billing.ts', () => {
  const config = buildConfig({});
  const start = date('2025-01-10');
  const later = date('2025-04-15');
  const contractor = {
    kind: 'corporation',
    name: 'A',
    corporateNumber: '8700110005901',
    accountManager: { name: 'x', email: 'x@a.example' },
    agent: null,
  };
  const received: Unit = { ...newApplication('acme', { plan: 'kokona', accounts: 5, contractor }, start), receivedSeq: 1, version: 1 };
  const billed = advanceUnit(accept(received, start, start, config).unit, later, config).unit;
  const [invoice] = billed.invoices ?? [];
  const partlyPaid = invoice ? recordPayment(billed, invoice.id, { amount: 1000, paidOn: later }, later, config) : undefined;
  const deps = { units: { get: async () => partlyPaid?.unit ?? billed }, clock: { today: () => later } } as unknown as CoreDeps;

  it('issues an invoice to check against (else this suite checks nothing), and the billed unit still fits Unit', () => {
    expect(invoice).toBeDefined();
    const r = UnitView.safeParse(unitView(partlyPaid!.unit, config));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it('invoice view, unpaid and partly paid', () => {
    for (const inv of [invoice!, partlyPaid!.invoice]) {
      const r = InvoiceView.safeParse(invoiceView(inv, later));
      expect(r.success ? [] : r.error.issues, 'update InvoiceView in shared/runtime/openapi.ts').toEqual([]);
    }
  });

  it('invoice list of a unit and balance', async () => {
    const list = InvoiceList.safeParse({ items: await listInvoices(deps, OP, { unit: 'acme' }), next: null });
    expect(list.success ? [] : list.error.issues).toEqual([]);
    const balance = BalanceView.safeParse(await unitBalance(deps, OP, 'acme'));
    expect(balance.success ? [] : balance.error.issues).toEqual([]);
  });
});

describe('the outage schemas match shared/use-cases/outages.ts', () => {
  const config = buildConfig({});
  const open: Outage = {
    id: 'o-1',
    knownAt: jstInstant(date('2025-03-01'), 9),
    endedAt: null,
    scope: { plan: 'kokona' },
    cause: 'operator_fault',
    grossNegligence: false,
    description: '',
    thresholdNoticeOn: null,
    settled: false,
    audit: [{ at: jstInstant(date('2025-03-01'), 10), change: { recorded: { cause: 'operator_fault' } } }],
    version: 1,
  };
  const ended: Outage = {
    ...open,
    endedAt: jstInstant(date('2025-03-08'), 9),
    thresholdNoticeOn: date('2025-03-06'),
    settled: true,
    scope: 'all',
    version: 3,
  };
  const record: CompensationRecord = {
    id: 'o-1.acme.1',
    outage: 'o-1',
    unit: 'acme',
    hours: 168,
    days: 7,
    annualFee: 396000,
    amount: 7594,
    status: 'paid_out',
    createdOn: date('2025-03-08'),
    paidOutOn: date('2025-03-10'),
  };

  it.each([
    ['open', open, []],
    ['ended, with a compensation', ended, [record]],
  ] as const)('%s outage', (_, o, records) => {
    const r = OutageView.safeParse(outageView(o, records, config));
    expect(r.success ? [] : r.error.issues, 'update OutageView in shared/runtime/openapi.ts').toEqual([]);
    expect(OutageList.safeParse({ items: [outageView(o, [], config)], next: null }).success).toBe(true);
  });
});
