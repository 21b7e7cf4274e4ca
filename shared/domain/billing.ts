/** The invoice run of the daily step (Art 27, 28; RULES §5) and the invoice_issued notice (Art 29, 30; I6, I8). */
import type { LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import type { Notice, OutboxItem } from './effects.ts';
import { buildInvoice, feesDue, invoiceId, invoiceIdParts, invoiceRef, type Invoice } from './invoices.ts';
import { unitNotice } from './notices.ts';
import type { Unit } from './unit.ts';

/** The qualified invoice mailed to the payer: the agent when the contract has one, else the account manager. */
export function invoiceIssuedNotice(unit: Unit, inv: Invoice, date: LocalDate, config: Config): Notice {
  // Late-interest lines name the invoice they are about: its issue date goes with the notice.
  const sourceIssueDates: Record<string, LocalDate> = {};
  for (const l of inv.lines) {
    const issued = l.invoice && (unit.invoices.find((i) => i.id === l.invoice)?.issueDate ?? invoiceIdParts(l.invoice)?.issueDate);
    if (l.invoice && issued) sourceIssueDates[l.invoice] = issued;
  }
  return unitNotice(
    unit,
    'invoice_issued',
    date,
    inv.payer === 'agent' ? 'agent' : 'account_manager',
    config,
    { invoice: inv, sourceIssueDates },
    {
      discriminator: inv.id,
      refs: { invoice: invoiceRef(inv) },
    },
  );
}

/** On a 1st: every fee line of the unit due that day on ONE invoice, never issued twice (deterministic id). */
export function issueInvoices(u: Unit, date: LocalDate, config: Config): { unit: Unit; outbox: OutboxItem[] } {
  const lines = feesDue(u, date, config);
  if (lines.length === 0 || u.invoices.some((i) => i.id === invoiceId(u.id, date, 'fees'))) return { unit: u, outbox: [] };
  const inv = buildInvoice(u, 'fees', date, lines, config);
  const unit = { ...u, invoices: [...u.invoices, inv] };
  return { unit, outbox: [invoiceIssuedNotice(unit, inv, date, config)] };
}
