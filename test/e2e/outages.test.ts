/**
 * Outages, compensation and maintenance notices end to end on the embedded stack (Art 33–35, 34-2;
 * RULES §10; DETAILS O1–O7, M1, X5): POST /outages with a backdated knownAt, the hourly watcher
 * (`runWatch`), PATCH /outages/{id} to end and to correct, GET /outages, payouts, POST /maintenances.
 *
 *   u1  kokona 10, start 2025-04-10                    annual 720,000
 *   u5  kokona 5,  start 2025-04-10, cancelled on 04-20 for 2025-05-31
 *   u6  self 5,    start 2025-04-10                    annual 90,000
 *   u2  kokona 5,  start 2025-05-01 (00:05 daily run)  annual 360,000
 *   u4  kokona 5,  accepted, starts 2025-07-01
 * Outages recorded on 2025-05-01 at 10:00: o-early known at 00:03 (before u2 started), o-late known at
 * 00:06 (after), o-nc a disaster without gross negligence; o-early and o-late end 05-06 10:30.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstant, type Instant } from '#domain/calendar.ts';
import { withCheckDigit } from '#domain/corporate-number.ts';
import { acmeApplication, apiCall, dailyRun, testStack } from '../support.ts';

type Stack = Awaited<ReturnType<typeof testStack>>;
type Body = Record<string, any>;

/** The watcher's tick at `iso` (HH:00 JST), with the clock there. */
async function tick(stack: Stack, iso: string) {
  stack.clock.set(parseInstant(iso) as Instant);
  return stack.runWatch({ scheduledTime: iso });
}

function applicant(ref: string, n: number, plan: 'kokona' | 'self', accounts: number) {
  const base = acmeApplication().contractor;
  return acmeApplication({
    ref,
    plan,
    accounts,
    contractor: {
      ...base,
      name: `株式会社${ref}`,
      corporateNumber: withCheckDigit(String(871_000_000_000 + n)),
      accountManager: { name: `担当 ${ref}`, email: `${ref}@example.jp` },
    },
  });
}

/** `date unit type role outage/maintenance` of the mails of the given types. */
async function mails(stack: Stack, ...types: string[]): Promise<string[]> {
  return (await stack.mail.list())
    .map((m) => m.headers)
    .filter((h) => types.includes(h['x-kokona-notice'] ?? ''))
    .map((h) =>
      [
        h['x-kokona-date'],
        h['x-kokona-unit'] || '-',
        h['x-kokona-notice'],
        h['x-kokona-role'],
        h['x-kokona-outage'] ?? h['x-kokona-maintenance'],
      ]
        .filter(Boolean)
        .join(' '),
    )
    .sort();
}

const records = (o: Body) => (o.compensations as Body[]).map((r) => `${r.id} ${r.status} ${r.days}d ${r.amount}`).sort();

describe('outages and compensation (Art 35; RULES §10)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await testStack('2025-04-01');
    const units: [string, number, 'kokona' | 'self', number, string][] = [
      ['u1', 1, 'kokona', 10, '2025-04-10'],
      ['u5', 5, 'kokona', 5, '2025-04-10'],
      ['u6', 6, 'self', 5, '2025-04-10'],
      ['u2', 2, 'kokona', 5, '2025-05-01'],
      ['u4', 4, 'kokona', 5, '2025-07-01'],
    ];
    for (const [ref, n, plan, accounts, start] of units) {
      expect((await apiCall(stack, 'POST', '/applications', applicant(ref, n, plan, accounts))).status).toBe(201);
      expect((await apiCall(stack, 'POST', `/applications/${ref}/accept`, { startDate: start })).status).toBe(200);
    }
    await dailyRun(stack, '2025-04-10');
    await dailyRun(stack, '2025-04-20');
    expect((await apiCall(stack, 'POST', '/units/u5/cancellations', { end: '2025-05-31' })).status).toBe(201);
    await dailyRun(stack, '2025-05-01');
  });
  afterAll(async () => stack?.stop());

  it('POST /outages with a backdated knownAt; bad input refused (O7)', async () => {
    expect((await apiCall(stack, 'GET', '/units/u2')).body.status).toBe('active');
    const early = await apiCall(stack, 'POST', '/outages', {
      ref: 'o-early',
      knownAt: '2025-05-01T00:03:00+09:00',
      scope: 'all',
      cause: 'operator_fault',
    });
    expect(early.status).toBe(201);
    expect(early.body).toMatchObject({
      id: 'o-early',
      knownAt: '2025-05-01T00:03:00+09:00',
      endedAt: null,
      open: true,
      compensable: true,
      grossNegligence: false,
      compensations: [],
    });
    expect(
      (
        await apiCall(stack, 'POST', '/outages', {
          ref: 'o-late',
          knownAt: '2025-05-01T00:06:00+09:00',
          scope: 'all',
          cause: 'operator_fault',
          grossNegligence: false,
        })
      ).status,
    ).toBe(201);
    const nc = await apiCall(stack, 'POST', '/outages', {
      ref: 'o-nc',
      knownAt: '2025-05-01T09:00:00+09:00',
      scope: 'all',
      cause: 'disaster',
    });
    expect(nc.body).toMatchObject({ compensable: false });

    const refuse = async (body: unknown, status: number, code: string) => {
      const r = await apiCall(stack, 'POST', '/outages', body);
      expect({ status: r.status, code: r.body.code }, JSON.stringify(body)).toEqual({ status, code });
    };
    await refuse({ ref: 'o-x', knownAt: '2025-05-01T09:00:00+09:00', scope: 'all', cause: 'meteor' }, 422, 'VALIDATION_FAILED');
    await refuse({ ref: 'o-x', knownAt: '2025-05-01T11:00:00+09:00', scope: 'all', cause: 'operator_fault' }, 422, 'VALIDATION_FAILED'); // in the future
    await refuse({ ref: 'o-late', knownAt: '2025-05-01T09:00:00+09:00', scope: 'all', cause: 'operator_fault' }, 422, 'VALIDATION_FAILED'); // duplicate ref
  });

  it('GET /outages?open=true lists the open outages', async () => {
    const open = await apiCall(stack, 'GET', '/outages?open=true');
    expect((open.body.items as Body[]).map((o) => o.id).sort()).toEqual(['o-early', 'o-late', 'o-nc']);
    expect((await apiCall(stack, 'GET', '/outages?open=false')).body.items).toEqual([]);
  });

  it('the hourly watcher: outage_threshold_reached once per compensable outage at the first tick ≥ knownAt + 120 h (O3), not for o-nc', async () => {
    await dailyRun(stack, '2025-05-06');
    expect(await tick(stack, '2025-05-06T00:00:00+09:00')).toMatchObject({ notified: [] });
    const first = await tick(stack, '2025-05-06T01:00:00+09:00');
    expect([...first.notified].sort()).toEqual(['o-early', 'o-late']);
    expect(await tick(stack, '2025-05-06T01:00:00+09:00')).toMatchObject({ notified: [] }); // twice in an hour
    expect(await tick(stack, '2025-05-06T02:00:00+09:00')).toMatchObject({ notified: [] });
    expect(await mails(stack, 'outage_threshold_reached')).toEqual([
      '2025-05-06 - outage_threshold_reached operator o-early',
      '2025-05-06 - outage_threshold_reached operator o-late',
    ]);
    const operator = (await stack.mail.list()).filter((m) => m.headers['x-kokona-notice'] === 'outage_threshold_reached');
    expect(operator.every((m) => m.to.length === 1 && m.to[0] === stack.config.mail.operatorAddress)).toBe(true);
    expect((await apiCall(stack, 'GET', '/outages/o-late')).body.thresholdNoticeOn).toBe('2025-05-06');
  });

  it('PATCH end → one compensation record and one compensation_statement per eligible unit, judged at knownAt (X5, O1, O2)', async () => {
    stack.setToday('2025-05-06', 11);
    const r = await apiCall(stack, 'PATCH', '/outages/o-late', { endedAt: '2025-05-06T10:30:00+09:00' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ open: false, compensable: true, endedAt: '2025-05-06T10:30:00+09:00' });
    // 130.4 h → 5 days. u2 started at 00:05, before 00:06; u5 ends later (05-31); u4 has not started.
    expect(records(r.body)).toEqual([
      `o-late.u1.1 pending_payout 5d ${Math.floor((5 * 720_000) / 365)}`,
      `o-late.u2.1 pending_payout 5d ${Math.floor((5 * 360_000) / 365)}`,
      `o-late.u5.1 pending_payout 5d ${Math.floor((5 * 360_000) / 365)}`,
      `o-late.u6.1 pending_payout 5d ${Math.floor((5 * 90_000) / 365)}`,
    ]);
    expect((r.body.compensations as Body[]).find((c) => c.unit === 'u1')).toMatchObject({
      hours: 130.4,
      days: 5,
      annualFee: 720_000,
      amount: 9_863,
      createdOn: '2025-05-06',
    });

    const e = await apiCall(stack, 'PATCH', '/outages/o-early', { endedAt: '2025-05-06T10:30:00+09:00' });
    // Known at 00:03, before u2's start at the 00:05 daily run: u2 is not affected.
    expect(records(e.body)).toEqual([
      `o-early.u1.1 pending_payout 5d 9863`,
      `o-early.u5.1 pending_payout 5d 4931`,
      `o-early.u6.1 pending_payout 5d 1232`,
    ]);

    expect(await mails(stack, 'compensation_statement')).toEqual([
      '2025-05-06 u1 compensation_statement account_manager o-early',
      '2025-05-06 u1 compensation_statement account_manager o-late',
      '2025-05-06 u2 compensation_statement account_manager o-late',
      '2025-05-06 u5 compensation_statement account_manager o-early',
      '2025-05-06 u5 compensation_statement account_manager o-late',
      '2025-05-06 u6 compensation_statement account_manager o-early',
      '2025-05-06 u6 compensation_statement account_manager o-late',
    ]);
    const toU1 = (await stack.mail.list()).filter(
      (m) => m.headers['x-kokona-notice'] === 'compensation_statement' && m.headers['x-kokona-unit'] === 'u1',
    );
    expect(toU1.every((m) => m.to[0] === 'u1@example.jp')).toBe(true);
  });

  it('closing twice → 422 VALIDATION_FAILED and no new mail; the watcher no longer sees it', async () => {
    const before = (await stack.mail.list()).length;
    const again = await apiCall(stack, 'PATCH', '/outages/o-late', { endedAt: '2025-05-06T10:45:00+09:00' });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await apiCall(stack, 'GET', '/outages/o-late')).body.endedAt).toBe('2025-05-06T10:30:00+09:00');
    await tick(stack, '2025-05-06T12:00:00+09:00');
    stack.setToday('2025-05-06', 12);
    expect((await stack.mail.list()).length).toBe(before);
    expect(((await apiCall(stack, 'GET', '/outages?open=true')).body.items as Body[]).map((o) => o.id)).toEqual(['o-nc']);
    expect(((await apiCall(stack, 'GET', '/outages?open=false')).body.items as Body[]).map((o) => o.id).sort()).toEqual([
      'o-early',
      'o-late',
    ]);
  });

  it('a correction of the cause after the end voids every record (kept, never edited), with an audit entry', async () => {
    const before = (await apiCall(stack, 'GET', '/outages/o-early')).body.compensations as Body[];
    const mailsBefore = (await stack.mail.list()).length;
    const r = await apiCall(stack, 'PATCH', '/outages/o-early', { cause: 'disaster' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cause: 'disaster', compensable: false });
    const after = (await apiCall(stack, 'GET', '/outages/o-early')).body;
    expect(records(after)).toEqual(['o-early.u1.1 void 5d 9863', 'o-early.u5.1 void 5d 4931', 'o-early.u6.1 void 5d 1232']);
    for (const rec of after.compensations as Body[]) {
      const was = before.find((b) => b.id === rec.id)!;
      const { status, voidedOn, ...rest } = rec;
      expect(status).toBe('void');
      expect(voidedOn).toBe('2025-05-06');
      expect(rest).toEqual(Object.fromEntries(Object.entries(was).filter(([k]) => k !== 'status')));
    }
    expect(after.audit.at(-1).change).toMatchObject({ cause: ['operator_fault', 'disaster'] });
    expect((await stack.mail.list()).length).toBe(mailsBefore); // voiding sends nothing
  });

  it('a scope correction voids only the units it drops', async () => {
    const r = await apiCall(stack, 'PATCH', '/outages/o-late', { scope: { plan: 'kokona' } });
    expect(r.status).toBe(200);
    expect(records(r.body)).toEqual([
      'o-late.u1.1 pending_payout 5d 9863',
      'o-late.u2.1 pending_payout 5d 4931',
      'o-late.u5.1 pending_payout 5d 4931',
      'o-late.u6.1 void 5d 1232',
    ]);
  });

  it('POST /compensations/{id}/payout: pending → paid_out (idempotent); a void one is refused; an unknown one is 404', async () => {
    const p = await apiCall(stack, 'POST', '/compensations/o-late.u1.1/payout');
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id: 'o-late.u1.1', status: 'paid_out', paidOutOn: '2025-05-06', amount: 9_863 });
    expect((await apiCall(stack, 'POST', '/compensations/o-late.u1.1/payout')).body).toMatchObject({
      status: 'paid_out',
      paidOutOn: '2025-05-06',
    });
    const v = await apiCall(stack, 'POST', '/compensations/o-late.u6.1/payout');
    expect({ status: v.status, code: v.body.code }).toEqual({ status: 422, code: 'VALIDATION_FAILED' });
    expect((await apiCall(stack, 'POST', '/compensations/o-late.nobody.1/payout')).status).toBe(404);
  });

  it('a later correction to a non-compensable cause voids the pending records but never the paid-out one', async () => {
    const r = await apiCall(stack, 'PATCH', '/outages/o-late', { cause: 'customer_side' });
    expect(records(r.body)).toEqual([
      'o-late.u1.1 paid_out 5d 9863',
      'o-late.u2.1 void 5d 4931',
      'o-late.u5.1 void 5d 4931',
      'o-late.u6.1 void 5d 1232',
    ]);
  });

  it('a non-compensable outage ends without records or statements', async () => {
    const before = (await mails(stack, 'compensation_statement')).length;
    const r = await apiCall(stack, 'PATCH', '/outages/o-nc', { endedAt: '2025-05-06T11:00:00+09:00' });
    expect(r.body).toMatchObject({ open: false, compensable: false, compensations: [] });
    expect((await mails(stack, 'compensation_statement')).length).toBe(before);
    expect((await apiCall(stack, 'GET', '/outages?open=true')).body.items).toEqual([]);
  });
});

describe('maintenance notices (Art 34-2; DETAILS M1, M2)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await testStack('2025-04-01');
    const units: [string, number, 'kokona' | 'self', number, string][] = [
      ['ma', 11, 'kokona', 5, '2025-04-10'], // active
      ['mc', 12, 'kokona', 5, '2025-04-10'], // cancelled for 05-31, before the maintenance date
      ['md', 13, 'kokona', 5, '2025-04-10'], // cancelled for 06-30, after it
      ['ms', 14, 'self', 5, '2025-04-10'], // active, another plan
      ['mp', 15, 'kokona', 5, '2025-06-01'], // accepted, starts before the maintenance but has not started
    ];
    for (const [ref, n, plan, accounts, start] of units) {
      expect((await apiCall(stack, 'POST', '/applications', applicant(ref, n, plan, accounts))).status).toBe(201);
      expect((await apiCall(stack, 'POST', `/applications/${ref}/accept`, { startDate: start })).status).toBe(200);
    }
    await dailyRun(stack, '2025-04-10');
    await dailyRun(stack, '2025-04-20');
    expect((await apiCall(stack, 'POST', '/units/mc/cancellations', { end: '2025-05-31' })).status).toBe(201);
    expect((await apiCall(stack, 'POST', '/units/md/cancellations', { end: '2025-06-30' })).status).toBe(201);
    await dailyRun(stack, '2025-05-07');
  });
  afterAll(async () => stack?.stop());

  it('M1: to the units in scope active or suspended now, except those ending before the start date and those not started; dated the event date', async () => {
    const r = await apiCall(stack, 'POST', '/maintenances', {
      ref: 'm1',
      startsAt: '2025-06-10T01:00:00+09:00',
      endsAt: '2025-06-10T05:00:00+09:00',
      scope: 'all',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: 'm1', announcedOn: '2025-05-07', recipients: 3 });
    expect(await mails(stack, 'maintenance_notice')).toEqual([
      '2025-05-07 ma maintenance_notice account_manager m1',
      '2025-05-07 md maintenance_notice account_manager m1',
      '2025-05-07 ms maintenance_notice account_manager m1',
    ]);
  });

  it('M1 with a plan scope and an end on the start date itself (still affected)', async () => {
    const r = await apiCall(stack, 'POST', '/maintenances', {
      ref: 'm2',
      startsAt: '2025-05-31T22:00:00+09:00',
      endsAt: '2025-06-01T02:00:00+09:00',
      scope: { plan: 'kokona' },
    });
    expect(r.body).toMatchObject({ recipients: 3 });
    expect((await mails(stack, 'maintenance_notice')).filter((m) => m.endsWith('m2'))).toEqual([
      '2025-05-07 ma maintenance_notice account_manager m2',
      '2025-05-07 mc maintenance_notice account_manager m2',
      '2025-05-07 md maintenance_notice account_manager m2',
    ]);
  });

  it('M2: startsAt must be before endsAt; no outage is created', async () => {
    const r = await apiCall(stack, 'POST', '/maintenances', {
      ref: 'm3',
      startsAt: '2025-06-10T05:00:00+09:00',
      endsAt: '2025-06-10T05:00:00+09:00',
      scope: 'all',
    });
    expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await apiCall(stack, 'GET', '/outages')).body.items).toEqual([]);
  });
});

describe('maintenance notices and dunning (DETAILS M1: an announced termination is a scheduled end)', () => {
  let stack: Stack;
  const notified = async (ref: string) =>
    (await mails(stack, 'maintenance_notice')).filter((m) => m.endsWith(` ${ref}`)).map((m) => m.split(' ')[1]);

  beforeAll(async () => {
    stack = await testStack('2024-02-01');
    for (const [ref, n] of [
      ['ok', 21],
      ['tn', 22],
      ['tx', 23],
    ] as const) {
      expect((await apiCall(stack, 'POST', '/applications', applicant(ref, n, 'kokona', 5))).status).toBe(201);
      expect((await apiCall(stack, 'POST', `/applications/${ref}/accept`, { startDate: '2024-02-15' })).status).toBe(200);
    }
    await dailyRun(stack, '2024-02-15');
    await dailyRun(stack, '2024-03-01');
    expect(
      (await apiCall(stack, 'POST', '/invoices/ok.2024-03-01.fees/payments', { amount: 396_000 }, { 'idempotency-key': 'ok-1' })).status,
    ).toBe(201);
    // tn and tx never pay (suspended 05-30, termination notice 06-19, termination 06-29); tx also cancels for 07-31.
    await dailyRun(stack, '2024-05-10');
    expect((await apiCall(stack, 'POST', '/units/tx/cancellations', { end: '2024-07-31' })).status).toBe(201);
    await dailyRun(stack, '2024-06-10');
    expect((await apiCall(stack, 'GET', '/units/tn')).body.status).toBe('suspended');
  });
  afterAll(async () => stack?.stop());

  it('before the termination notice, suspended units are affected (no announced end yet)', async () => {
    const r = await apiCall(stack, 'POST', '/maintenances', {
      ref: 'ma',
      startsAt: '2024-07-05T01:00:00+09:00',
      endsAt: '2024-07-05T03:00:00+09:00',
      scope: 'all',
    });
    expect(r.body).toMatchObject({ recipients: 3, announcedOn: '2024-06-10' });
    expect(await notified('ma')).toEqual(['ok', 'tn', 'tx']);
  });

  it('after the termination notice (06-19), a unit whose announced termination (06-29) is before the start date is not affected; one ending on the start date is', async () => {
    await dailyRun(stack, '2024-06-20');
    await apiCall(stack, 'POST', '/maintenances', {
      ref: 'mb',
      startsAt: '2024-07-05T01:00:00+09:00',
      endsAt: '2024-07-05T03:00:00+09:00',
      scope: { units: ['ok', 'tn'] },
    });
    expect(await notified('mb')).toEqual(['ok']);
    await apiCall(stack, 'POST', '/maintenances', {
      ref: 'mc',
      startsAt: '2024-06-29T22:00:00+09:00',
      endsAt: '2024-06-30T02:00:00+09:00',
      scope: { units: ['ok', 'tn'] },
    });
    expect(await notified('mc')).toEqual(['ok', 'tn']);
  });

  it('a unit with a cancellation for 07-31 and an announced termination on 06-29 ends on 06-29: not affected by a maintenance on 07-05', async () => {
    await apiCall(stack, 'POST', '/maintenances', {
      ref: 'md',
      startsAt: '2024-07-05T01:00:00+09:00',
      endsAt: '2024-07-05T03:00:00+09:00',
      scope: { units: ['tx'] },
    });
    expect(await notified('md')).toEqual([]);
  });
});
