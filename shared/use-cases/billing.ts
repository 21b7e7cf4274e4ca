/**
 * Payments and invoice queries (Art 28–31).
 * recordPayment: 1. the unit named by the invoice id (NOT_FOUND first, L6);
 *                2. an Idempotency-Key already used: the first result again, or IDEMPOTENCY_KEY_REUSED;
 *                3. the domain records it (interest, late-interest invoice, resumption) in one write,
 *                   together with the key, so a retry can never pay twice.
 */
import { createHash } from 'node:crypto';
import { compareDates, parseLocalDate, type LocalDate } from '#domain/calendar.ts';
import { DomainError, invalid, notFound } from '#domain/errors.ts';
import { balance, invoiceRef, type Invoice } from '#domain/invoices.ts';
import { invoiceStatus } from '#domain/dunning.ts';
import * as payments from '#domain/payments.ts';
import type { Unit } from '#domain/unit.ts';
import { changeUnit } from './commit.ts';
import { authorize, authorizeUnit, soldBy, type Principal } from './authz.ts';
import { IdempotencyKeyTakenError, type CoreDeps, type InvoiceStatus, type InvoiceSummary } from './ports.ts';

/** `<unit>.<issueDate>.<kind>` → the unit id. */
export const unitOfInvoice = (invoiceId: string) => invoiceId.split('.')[0] ?? '';

export function invoiceView(inv: Invoice, today: LocalDate) {
  return { ...inv, ref: invoiceRef(inv), balance: balance(inv), status: invoiceStatus(inv, today) };
}
export type InvoiceView = ReturnType<typeof invoiceView>;

/** L6: the unit first (before any check of the body). */
export async function unitOfInvoiceOrThrow(deps: Pick<CoreDeps, 'units'>, who: Principal, invoiceId: string): Promise<Unit> {
  authorize(who, 'invoices.read');
  const unit = await deps.units.get(unitOfInvoice(invoiceId));
  if (!unit) throw notFound('unit', unitOfInvoice(invoiceId));
  authorizeUnit(who, 'invoices.read', unit);
  return unit;
}

export interface PaymentRequest {
  readonly amount: number;
  /** Defaults to today (the business date). */
  readonly paidOn?: string;
}

export async function recordPayment(
  deps: CoreDeps,
  who: Principal,
  invoiceId: string,
  req: PaymentRequest,
  idempotencyKey?: string,
): Promise<InvoiceView> {
  authorize(who, 'payments.record');
  const today = deps.clock.today();
  // The request as sent (a missing paidOn stays missing): a retry on a later day is the same request.
  const requestHash = createHash('sha256')
    .update(JSON.stringify({ invoiceId, amount: req.amount, paidOn: req.paidOn ?? null }))
    .digest('hex');

  const replay = async (): Promise<InvoiceView | null> => {
    if (!idempotencyKey) return null;
    const rec = await deps.units.getIdempotency(idempotencyKey);
    if (!rec) return null;
    if (rec.requestHash !== requestHash)
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another request', { key: idempotencyKey });
    return rec.result as InvoiceView;
  };
  const first = await replay();
  if (first) return first;

  let result: InvoiceView | null = null;
  try {
    await changeUnit(
      deps,
      unitOfInvoice(invoiceId),
      (unit) => {
        // After the unit is found (L6: NOT_FOUND first, from changeUnit's load).
        const paidOn = req.paidOn === undefined ? today : parseLocalDate(req.paidOn);
        if (!paidOn) throw invalid('paidOn must be a date YYYY-MM-DD', { field: 'paidOn' });
        const r = payments.recordPayment(unit, invoiceId, { amount: req.amount, paidOn }, today, deps.config);
        result = invoiceView(r.invoice, today);
        return { unit: r.unit, outbox: r.outbox, wakeUps: [] };
      },
      {
        idempotency: idempotencyKey ? () => ({ key: idempotencyKey, requestHash, result }) : undefined,
        audit: { actor: who, action: 'payment.record', target: invoiceId },
      },
    );
  } catch (e) {
    if (e instanceof IdempotencyKeyTakenError) return (await replay())!; // a concurrent retry won
    throw e;
  }
  return result!;
}

export async function getInvoice(deps: Pick<CoreDeps, 'units' | 'clock'>, who: Principal, invoiceId: string): Promise<InvoiceView> {
  const unit = await unitOfInvoiceOrThrow(deps, who, invoiceId);
  const inv = unit.invoices.find((i) => i.id === invoiceId);
  if (!inv) throw notFound('invoice', invoiceId);
  return invoiceView(inv, deps.clock.today());
}

/** With a unit: its invoices of that status; without: the index (open, overdue or paid), by due date. */
export async function listInvoices(
  deps: Pick<CoreDeps, 'units' | 'clock'>,
  who: Principal,
  filter: { status?: InvoiceStatus; unit?: string },
): Promise<(InvoiceSummary & { status: InvoiceStatus })[]> {
  const access = authorize(who, 'invoices.read');
  const today = deps.clock.today();
  if (filter.unit) {
    const unit = await deps.units.get(filter.unit);
    if (!unit) throw notFound('unit', filter.unit);
    authorizeUnit(who, 'invoices.read', unit);
    return unit.invoices
      .map((inv) => ({
        id: inv.id,
        unitId: inv.unitId,
        issueDate: inv.issueDate,
        kind: inv.kind,
        dueDate: inv.dueDate,
        total: inv.total,
        balance: balance(inv),
        paidOn: inv.paidOn,
        status: invoiceStatus(inv, today),
      }))
      .filter((i) => !filter.status || i.status === filter.status);
  }
  const statuses: InvoiceStatus[] = filter.status ? [filter.status] : ['overdue', 'open', 'paid'];
  const out: (InvoiceSummary & { status: InvoiceStatus })[] = [];
  for (const status of statuses) for (const s of await deps.units.listInvoices({ status, today })) out.push({ ...s, status });
  if (access === 'all') return out;
  // An agent: only the invoices of the units it sold (each unit read once).
  const mine = new Map<string, boolean>();
  for (const id of new Set(out.map((i) => i.unitId))) {
    const u = await deps.units.get(id);
    mine.set(id, !!u && soldBy(who, u));
  }
  return out.filter((i) => mine.get(i.unitId));
}

/** What a unit owes: outstanding and overdue totals, and each unpaid invoice. */
export async function unitBalance(deps: Pick<CoreDeps, 'units' | 'clock'>, who: Principal, unitId: string) {
  authorize(who, 'invoices.read');
  const today = deps.clock.today();
  const unit = await deps.units.get(unitId);
  if (!unit) throw notFound('unit', unitId);
  authorizeUnit(who, 'invoices.read', unit);
  const unpaid = unit.invoices.filter((i) => balance(i) > 0);
  return {
    unit: unit.id,
    asOf: today,
    outstanding: unpaid.reduce((s, i) => s + balance(i), 0),
    overdue: unpaid.filter((i) => compareDates(i.dueDate, today) < 0).reduce((s, i) => s + balance(i), 0),
    invoices: unpaid.map((i) => ({
      id: i.id,
      ref: invoiceRef(i),
      dueDate: i.dueDate,
      total: i.total,
      balance: balance(i),
      status: invoiceStatus(i, today),
    })),
  };
}
