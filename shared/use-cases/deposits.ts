/**
 * Money in (MONEY-IN B1–B7): importing a bank's 全銀 file, matching its deposits, cancellations, the
 * operator's match by hand.
 * importBankFile: 1. parse and check the whole file (B1: a refusal records nothing);
 *                 2. per deposit, in file order: skip it when recorded already (B2), find the payer
 *                    (B3), plan what it pays (B4) and record the deposit with its plan, then make the
 *                    payments through the SAME domain rule as POST /invoices/{id}/payments, one unit
 *                    at a time (changeUnit), and record the outcome — a retry after a crash resumes the
 *                    recorded plan and never pays twice (each payment carries the deposit's id);
 *                 3. per cancellation record: void what the cancelled deposit paid (B5);
 *                 4. answer with the counts and every deposit's outcome (B7). No mail by itself.
 */
import { authorize, type Principal } from './authz.ts';
import { createHash } from 'node:crypto';
import { compareDates, formatJst, type LocalDate } from '#domain/calendar.ts';
import {
  allocate,
  cancellationTarget,
  depositIdentity,
  isVirtualAccount,
  nthVirtualAccount,
  outcome,
  payerKana,
  payerOf,
  type OpenInvoice,
} from '#domain/deposits.ts';
import { DomainError, invalid, notFound } from '#domain/errors.ts';
import { balance, invoiceId, type Invoice } from '#domain/invoices.ts';
import { encodeJisX0201, decodeJisX0201 } from '#domain/jis-x0201.ts';
import { normaliseName } from '#domain/kana.ts';
import { operatorNotice } from '#domain/notices.ts';
import * as payments from '#domain/payments.ts';
import type { Unit } from '#domain/unit.ts';
import { BankFileError, formatTransferFile, parseBankFile, type BankDeposit, type TransferFileSpec } from '#domain/zengin.ts';
import { changeUnit } from './commit.ts';
import type {
  AuditEntry,
  AuditLog,
  BankFileStore,
  CoreDeps,
  Deposit,
  DepositPayment,
  DepositRepository,
  OutboxRepository,
  Payer,
  PayerRepository,
  StoredDepositStatus,
} from './ports.ts';

export interface MoneyDeps extends CoreDeps {
  readonly deposits: DepositRepository;
  readonly payers: PayerRepository;
  readonly outbox: Pick<OutboxRepository, 'add'>;
  readonly audit?: AuditLog;
}

export interface Actor {
  readonly id: string;
  readonly role: AuditEntry['actor']['role'];
}
const SYSTEM: Actor = { id: 'bank-import', role: 'system' };

/**
 * The CP932 a 全銀 file is written in: only its single-byte part, JIS X 0201 (ASCII and half-width
 * kana); a byte or character outside it is refused (parseBankFile: BANK_FILE_INVALID with the record).
 */
export const decodeCp932 = decodeJisX0201;
export const encodeCp932 = encodeJisX0201;

/** A valid 振込入金通知 (`01`) file (the simulator, tests, `npm run bank-file`). */
export const transferFile = (spec: TransferFileSpec, opts: { crlf?: boolean } = {}) => formatTransferFile(spec, encodeCp932, opts);

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
export const depositId = (d: Pick<BankDeposit, 'valueDate' | 'inquiry'> & Parameters<typeof depositIdentity>[0]) =>
  `D${d.valueDate.replace(/-/g, '')}-${d.inquiry}-${sha256(depositIdentity(d)).slice(0, 10)}`;

export interface DepositOutcome {
  readonly record: number;
  readonly deposit: string | null;
  readonly result: 'recorded' | 'duplicate' | 'cancelled' | 'cancellation_unmatched';
  readonly status: StoredDepositStatus | null;
  readonly payer: string | null;
  readonly amount: number;
  readonly remitter: string;
  readonly payments: readonly DepositPayment[];
  readonly credit: number;
}

export interface ImportResult {
  readonly file: string;
  readonly kind: '01' | '03';
  readonly records: number;
  readonly counts: {
    readonly deposits: number;
    readonly matched: number;
    readonly partial: number;
    readonly unmatched: number;
    readonly credit: number;
    readonly duplicates: number;
    readonly cancellations: number;
    readonly ignored: number;
  };
  readonly deposits: readonly DepositOutcome[];
}

/**
 * `onProgress(done, total)`: after each deposit of the file (a large file takes a while: the caller shows
 * or logs it, e.g. with a Progress writing to its logger).
 */
export async function importBankFile(
  deps: MoneyDeps,
  bytes: Uint8Array,
  actor: Actor | Principal = SYSTEM,
  opts: { readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportResult> {
  if (actor.role !== 'system') authorize(actor as Principal, 'deposits.import');
  const file = parseBankFile(bytes, decodeCp932); // B1: throws BANK_FILE_INVALID with the record number
  // A 勘定日 after today (the business date) cannot be a payment date yet: the whole file is refused.
  const today = deps.clock.today();
  const future = file.deposits.find((d) => compareDates(d.valueDate, today) > 0);
  if (future) throw new BankFileError(future.record, `勘定日 ${future.valueDate} is after today (${today})`);
  const fileId = sha256(bytes);
  const out: DepositOutcome[] = [];
  for (const d of file.deposits) {
    out.push(d.cancels ? await cancelDeposit(deps, d, actor) : await importDeposit(deps, d, fileId));
    opts.onProgress?.(out.length, file.deposits.length);
  }
  const count = (f: (o: DepositOutcome) => boolean) => out.filter(f).length;
  const fresh = (s: StoredDepositStatus) => count((o) => o.result === 'recorded' && o.status === s);
  return {
    file: fileId,
    kind: file.kind,
    records: file.records,
    counts: {
      deposits: count((o) => o.result === 'recorded' || o.result === 'duplicate'),
      matched: fresh('matched'),
      partial: fresh('partial'),
      unmatched: fresh('unmatched'),
      credit: fresh('credit'),
      duplicates: count((o) => o.result === 'duplicate'),
      cancellations: count((o) => o.result === 'cancelled'),
      ignored: file.ignored,
    },
    deposits: out,
  };
}

const view = (d: Deposit, record: number, result: DepositOutcome['result']): DepositOutcome => ({
  record,
  deposit: d.id,
  result,
  status: d.status,
  payer: d.payer,
  amount: d.amount,
  remitter: d.remitter,
  payments: d.payments,
  credit: d.credit,
});

/** B3: the payer of a deposit — its virtual account, else a registered name held by exactly one payer. */
async function identify(deps: MoneyDeps, d: BankDeposit, name: string): Promise<{ payer: Payer; by: 'virtual_account' | 'name' } | null> {
  if (isVirtualAccount(deps.config, d.bankCode, d.branchCode, d.accountNumber)) {
    const p = await deps.payers.byVirtualAccount(d.accountNumber);
    return p ? { payer: p, by: 'virtual_account' } : null;
  }
  if (name === '') return null;
  const ids = await deps.payers.byName(name);
  if (ids.length !== 1) return null;
  const p = await deps.payers.get(ids[0]!);
  return p ? { payer: p, by: 'name' } : null;
}

/** The payer's unpaid invoices a payment of `paidOn` may settle (issued by then, not void). */
async function openInvoices(deps: MoneyDeps, payer: Payer, paidOn: LocalDate): Promise<OpenInvoice[]> {
  const units = (await Promise.all(payer.units.map((id) => deps.units.get(id)))).filter(
    (u): u is Unit => u !== null && payerOf(u) === payer.id,
  );
  return units.flatMap((u) =>
    (u.invoices ?? [])
      .filter((i) => balance(i) > 0 && compareDates(i.issueDate, paidOn) <= 0)
      .map((i) => ({ id: i.id, unitId: u.id, issueDate: i.issueDate, dueDate: i.dueDate, balance: balance(i) })),
  );
}

async function importDeposit(deps: MoneyDeps, d: BankDeposit, file: string): Promise<DepositOutcome> {
  const id = depositId(d);
  const existing = await deps.deposits.get(id);
  if (existing) return view(existing.status === 'pending' ? await applyPlan(deps, existing) : existing, d.record, 'duplicate');
  const name = normaliseName(d.remitter);
  const found = await identify(deps, d, name);
  const base = {
    id,
    identity: depositIdentity(d),
    reference: cancellationTarget(d),
    bankCode: d.bankCode,
    branchCode: d.branchCode,
    accountNumber: d.accountNumber,
    valueDate: d.valueDate,
    inquiry: d.inquiry,
    amount: d.amount,
    remitter: d.remitter,
    remitterNormalised: name,
    remitterBank: d.remitterBank,
    remitterBranch: d.remitterBranch,
    edi: d.edi,
    file,
    record: d.record,
    importedOn: deps.clock.today(),
    payments: [],
    version: 1,
  } as const;
  if (!found) {
    const dep: Deposit = { ...base, status: 'unmatched', payer: null, matchedBy: null, credit: 0 };
    return view(dep, d.record, (await deps.deposits.create(dep)) ? 'recorded' : 'duplicate');
  }
  const plan = allocate(d.amount, await openInvoices(deps, found.payer, d.valueDate));
  const dep: Deposit = {
    ...base,
    status: 'pending',
    payer: found.payer.id,
    matchedBy: found.by,
    planned: plan.payments,
    credit: plan.credit,
  };
  if (!(await deps.deposits.create(dep))) {
    const again = await deps.deposits.get(id);
    return view(again ?? dep, d.record, 'duplicate');
  }
  return view(await applyPlan(deps, dep), d.record, 'recorded');
}

/**
 * Makes the planned payments, one unit at a time, through the domain's payment rule; a payment this
 * deposit already made (a retry) is not made again; one that meets a smaller balance (paid meanwhile)
 * pays what is left and the rest becomes credit. Then records the outcome.
 */
async function applyPlan(deps: MoneyDeps, dep: Deposit): Promise<Deposit> {
  const planned = dep.planned ?? [];
  const made: DepositPayment[] = [];
  let leftover = 0;
  for (const unitId of [...new Set(planned.map((p) => p.unitId))]) {
    const mine = planned.filter((p) => p.unitId === unitId);
    let madeHere: DepositPayment[] = [];
    let leftHere = 0;
    await changeUnit(deps, unitId, (unit) => {
      madeHere = [];
      leftHere = 0;
      let next = unit;
      const outbox = [];
      for (const p of mine) {
        const inv = (next.invoices ?? []).find((i) => i.id === p.invoiceId);
        const already = inv?.payments.find((x) => x.deposit === dep.id && !x.voidedOn);
        if (already) {
          madeHere.push({ ...p, amount: already.amount, balanceBefore: p.balanceBefore ?? balance(inv!) + already.amount });
          continue;
        }
        const bal = inv ? balance(inv) : 0;
        const amount = Math.min(p.amount, bal);
        leftHere += p.amount - amount;
        if (amount === 0) continue;
        const r = payments.recordPayment(
          next,
          p.invoiceId,
          { amount, paidOn: dep.valueDate, deposit: dep.id },
          deps.clock.today(),
          deps.config,
        );
        next = r.unit;
        outbox.push(...r.outbox);
        madeHere.push({ ...p, amount, balanceBefore: bal });
      }
      return { unit: next, outbox, wakeUps: [] };
    });
    made.push(...madeHere);
    leftover += leftHere;
  }
  const credit = dep.credit + leftover;
  const status =
    made.length === 0 && credit === 0
      ? 'unmatched'
      : outcome(
          made.map((p) => ({ amount: p.amount, balanceBefore: p.balanceBefore ?? p.amount })),
          credit,
        );
  const done: Deposit = { ...dep, status, payments: made, credit, planned: undefined, version: dep.version };
  if (!(await deps.deposits.save(done))) return (await deps.deposits.get(dep.id)) ?? done;
  return { ...done, version: dep.version + 1 };
}

/** B5: a 取消区分 1 record cancels the deposit with the same 照会番号 and amount on that account. */
async function cancelDeposit(deps: MoneyDeps, d: BankDeposit, actor: Actor): Promise<DepositOutcome> {
  const targets = await deps.deposits.byReference(cancellationTarget(d));
  const live = targets.filter((t) => t.status !== 'cancelled').sort((a, b) => compareDates(b.valueDate, a.valueDate));
  const base = { record: d.record, amount: d.amount, remitter: d.remitter, payments: [], credit: 0 };
  if (live.length === 0) {
    const done = targets[0];
    return done
      ? view(done, d.record, 'duplicate')
      : { ...base, deposit: null, result: 'cancellation_unmatched', status: null, payer: null };
  }
  const target = live[0]!;
  const cancelled = await voidDeposit(deps, target, 'cancelled', actor);
  return view(cancelled, d.record, 'cancelled');
}

/** Voids what a deposit paid (B5, and B6 when the operator moves it); `cancelled` also withdraws the deposit. */
async function voidDeposit(deps: MoneyDeps, dep: Deposit, to: 'cancelled' | 'unmatched', actor: Actor): Promise<Deposit> {
  const today = deps.clock.today();
  const voided: { invoiceId: string; amount: number }[] = [];
  for (const unitId of [...new Set(dep.payments.map((p) => p.unitId))]) {
    let here: { invoiceId: string; amount: number }[] = [];
    await changeUnit(deps, unitId, (unit) => {
      const r = payments.voidDepositPayments(unit, dep.id, today);
      here = (unit.invoices ?? []).flatMap((inv) =>
        inv.payments.filter((p) => p.deposit === dep.id && !p.voidedOn).map((p) => ({ invoiceId: inv.id, amount: p.amount })),
      );
      return { unit: r.unit, outbox: [], wakeUps: [] };
    });
    voided.push(...here);
  }
  const next: Deposit =
    to === 'cancelled'
      ? { ...dep, status: 'cancelled', cancelledOn: today }
      : { ...dep, status: 'unmatched', payer: null, matchedBy: null, payments: [], credit: 0 };
  if (!(await deps.deposits.save(next)))
    throw new DomainError('VALIDATION_FAILED', `deposit ${dep.id} was changed meanwhile: try again`, { deposit: dep.id });
  await deps.audit?.record({
    at: formatJst(deps.clock.now()),
    actor,
    action: to === 'cancelled' ? 'deposit.cancelled' : 'deposit.unmatched',
    target: dep.id,
    before: { status: dep.status, payer: dep.payer, payments: dep.payments, credit: dep.credit },
    after: { status: next.status, voided },
  });
  if (to === 'cancelled') {
    const notice = operatorNotice(
      'deposit_cancelled',
      today,
      deps.config,
      { deposit: dep.id, valueDate: dep.valueDate, inquiry: dep.inquiry, remitter: dep.remitter, amount: dep.amount, payments: voided },
      { discriminator: dep.id },
    );
    await deps.outbox.add([notice]);
    await deps.publisher.publish([notice]).catch(() => undefined);
  }
  return { ...next, version: dep.version + 1 };
}

/**
 * A bank file that arrived unattended (`bucket`/`key`, e.g. S3 `incoming/x.zengin`) imported exactly as
 * POST /bank-files imports it, by the system; the answer — or the refusal with its code and record — is
 * written as `results/<name>.json` beside it. A refused file records nothing and is not an error here
 * (retrying would refuse it again); any other failure throws, so the event is retried (B2 makes the
 * import idempotent).
 */
export async function importStoredBankFile(
  deps: MoneyDeps & { readonly files: BankFileStore },
  bucket: string,
  key: string,
  opts: { readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<{ readonly imported: ImportResult } | { readonly refused: DomainError }> {
  const bytes = await deps.files.read(bucket, key);
  const resultKey = `results/${key.replace(/^incoming\//, '')}.json`;
  try {
    const imported = await importBankFile(deps, bytes, { id: `s3://${bucket}/${key}`, role: 'system' }, opts);
    await deps.files.writeResult(bucket, resultKey, imported);
    return { imported };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await deps.files.writeResult(bucket, resultKey, { code: e.code, message: e.message, details: e.details });
    return { refused: e };
  }
}

export interface MatchRequest {
  /** The unit whose payer paid (its invoices are the ones listed). */
  readonly unit: string;
  /** Invoice ids of that unit, paid in this order, each up to its balance; the rest is credit. */
  readonly invoices: readonly string[];
  /** Move a deposit that is matched already (its payments are voided first). */
  readonly move?: boolean;
}

/** B6: the operator matches an unmatched deposit (or moves a matched one); the remitter name is learned for that payer. */
export async function matchDeposit(deps: MoneyDeps, id: string, req: MatchRequest, actor: Principal): Promise<Deposit> {
  authorize(actor, 'deposits.match');
  let dep = await deps.deposits.get(id);
  if (!dep) throw notFound('deposit', id);
  const unit = await deps.units.get(req.unit);
  if (!unit) throw notFound('unit', req.unit);
  if (req.invoices.length === 0) throw invalid('list at least one invoice to pay', { field: 'invoices' });
  const invoices: Invoice[] = [];
  for (const invId of req.invoices) {
    const inv = (unit.invoices ?? []).find((i) => i.id === invId);
    if (!inv) throw notFound('invoice', invId);
    if (balance(inv) === 0) throw invalid(`invoice ${invId} is already paid`, { invoice: invId });
    if (compareDates(inv.issueDate, dep.valueDate) > 0)
      throw invalid(`invoice ${invId} was issued after the deposit's 勘定日 ${dep.valueDate}`, { invoice: invId });
    invoices.push(inv);
  }
  if (new Set(req.invoices).size !== req.invoices.length) throw invalid('an invoice is listed twice', { field: 'invoices' });
  if (dep.status === 'cancelled') throw invalid('the deposit was cancelled by the bank', { deposit: id, status: dep.status });
  if (dep.status === 'pending') throw invalid('the deposit is being applied: try again', { deposit: id, status: dep.status });
  if (dep.status !== 'unmatched') {
    if (!req.move)
      throw invalid(`the deposit is ${dep.status}, not unmatched (send "move": true to move it)`, { deposit: id, status: dep.status });
    dep = await voidDeposit(deps, dep, 'unmatched', actor);
  }
  const payer = payerOf(unit);
  const registered = await deps.payers.register(payer, unit.id, [], (n) => nthVirtualAccount(deps.config, n));
  if (dep.remitterNormalised !== '') await deps.payers.addName(registered.id, dep.remitterNormalised);
  let left = dep.amount;
  const planned: DepositPayment[] = [];
  for (const inv of invoices) {
    if (left === 0) break;
    const a = Math.min(left, balance(inv));
    planned.push({ invoiceId: inv.id, unitId: unit.id, amount: a });
    left -= a;
  }
  const pending: Deposit = { ...dep, status: 'pending', payer, matchedBy: 'operator', planned, credit: left, payments: [] };
  if (!(await deps.deposits.save(pending)))
    throw new DomainError('VALIDATION_FAILED', `deposit ${id} was changed meanwhile: try again`, { deposit: id });
  const done = await applyPlan(deps, { ...pending, version: dep.version + 1 });
  await deps.audit?.record({
    at: formatJst(deps.clock.now()),
    actor,
    action: 'deposit.matched_by_hand',
    unit: unit.id,
    target: id,
    before: { status: dep.status },
    after: { status: done.status, payer, payments: done.payments, credit: done.credit, learnedName: dep.remitterNormalised },
  });
  return done;
}

/** Registers the payer of an accepted unit and returns its virtual account (B3a); names from `nameKana`. */
export async function registerPayer(payers: PayerRepository, unit: Unit, config: CoreDeps['config']): Promise<string> {
  const kana = payerKana(unit);
  const names = kana ? [normaliseName(kana)].filter((n) => n !== '') : [];
  const p = await payers.register(payerOf(unit), unit.id, names, (n) => nthVirtualAccount(config, n));
  return p.virtualAccount;
}

export async function getDeposit(deps: Pick<MoneyDeps, 'deposits'>, who: Principal, id: string): Promise<Deposit> {
  authorize(who, 'deposits.read');
  const d = await deps.deposits.get(id);
  if (!d) throw notFound('deposit', id);
  return d;
}

export async function listDeposits(
  deps: Pick<MoneyDeps, 'deposits'>,
  who: Principal,
  filter: { status?: StoredDepositStatus },
  page: { limit: number; next?: string },
) {
  authorize(who, 'deposits.read');
  return deps.deposits.list(filter, page);
}

/** The invoice id a simulator's `{ issueDate, kind }` names within a unit. */
export const invoiceOf = invoiceId;
