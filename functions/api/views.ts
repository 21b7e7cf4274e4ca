/** Public JSON views of the aggregates (what the API returns). */
import { lineUserNames } from '#domain/desktops.ts';
import type { Config } from '#domain/config.ts';
import { cancellationDeadline, renewal } from '#domain/terms.ts';
import { basicLine, type Unit } from '#domain/unit.ts';

export function unitView(u: Unit, config?: Config) {
  const basic = basicLine(u);
  const inService = u.status === 'active' || u.status === 'suspended';
  return {
    id: u.id,
    plan: u.plan,
    planName: config?.plans[u.plan]?.displayName ?? u.plan,
    accounts: u.accounts,
    status: u.status,
    contractor: u.contractor,
    application: { ...u.application, receivedOn: u.receivedOn, receipt: u.receivedSeq },
    startDate: u.startDate,
    endedOn: u.endedOn ?? null,
    cancellation: u.cancellation ?? null,
    termEnd: basic?.termEnd ?? null,
    // The next cancellation deadline (Art 18) and renewal (Art 14) of a unit in service without a cancellation.
    nextDeadline: inService && !u.cancellation && basic?.termEnd ? cancellationDeadline(basic.termEnd) : null,
    nextRenewal: inService && !u.cancellation && basic?.termEnd ? renewal(basic.termEnd) : null,
    lines: u.lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      accounts: l.accounts,
      startDate: l.startDate,
      started: l.started,
      termEnd: l.termEnd,
      firstTermEnd: l.firstTermEnd ?? null,
      endedOn: l.endedOn,
      cancellation: l.cancellation ?? null,
      nextDeadline: l.started && l.endedOn === null && !l.cancellation && l.termEnd ? cancellationDeadline(l.termEnd) : null,
      nextRenewal: l.started && l.endedOn === null && !l.cancellation && l.termEnd ? renewal(l.termEnd) : null,
      // W10: user names and desktop ids are their own items (GET /units/{id}/accounts, paged).
      firstUserName: u.shortCode ? (lineUserNames(u, { ...l, accounts: Math.min(l.accounts, 1) })[0] ?? null) : (l.userNames?.[0] ?? null),
    })),
    history: u.history,
    /** The payer's virtual account (MONEY-IN B3a): 振込先 on its invoices. */
    virtualAccount: u.virtualAccount ?? null,
  };
}
