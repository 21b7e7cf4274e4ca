/** Public JSON views of the aggregates (what the API returns). */
import type { Unit } from '#domain/unit.ts';

export function unitView(u: Unit) {
  return {
    id: u.id,
    plan: u.plan,
    accounts: u.accounts,
    status: u.status,
    contractor: u.contractor,
    application: { ...u.application, receivedOn: u.receivedOn, receipt: u.receivedSeq },
    startDate: u.startDate,
    lines: u.lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      accounts: l.accounts,
      startDate: l.startDate,
      started: l.started,
      termEnd: l.termEnd,
      endedOn: l.endedOn,
      accountsKit: l.userNames.map((userName) => ({ userName, workspaceId: u.desktops[userName] ?? null })),
    })),
    history: u.history,
  };
}
