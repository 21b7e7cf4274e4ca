/**
 * Changes to a running contract: additional contracts (Art 12, 13) and contact changes (Art 17).
 * Cancellations (Art 18) are cancellation.ts. Pure: each returns the new unit and its notices, or throws
 * a DomainError in the order of precedence of T4.
 */
import { compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { DomainError, invalid } from './errors.ts';
import type { Transition } from './effects.ts';
import { cancellationPending, notActive } from './cancellation.ts';
import { startAdditionalLine } from './lifecycle.ts';
import { unitNotice } from './notices.ts';
import type { Line, Person, Unit } from './unit.ts';

/**
 * Art 12, 13: an additional contract of `accounts` from `startDate`. Refused (T4, T5): a start before
 * today (VALIDATION_FAILED) → a unit not in service or suspended (UNIT_NOT_ACTIVE) → a unit with an
 * accepted cancellation (UNIT_CANCELLATION_PENDING). A start today starts at once (X2).
 */
export function addLine(
  unit: Unit,
  input: { id: string; accounts: number; startDate: LocalDate },
  today: LocalDate,
  config: Config,
): Transition {
  if (compareDates(input.startDate, today) < 0) throw invalid('startDate must not be before today', { field: 'startDate', today });
  if (!Number.isInteger(input.accounts) || input.accounts < 1) throw invalid('accounts must be an integer ≥ 1', { field: 'accounts' });
  if (unit.status !== 'active') throw notActive(`unit ${unit.id} (${unit.status})`);
  if (unit.cancellation) throw cancellationPending(`unit ${unit.id}`);
  const max = config.plans[unit.plan]?.maxAccountsPerLine ?? Infinity;
  if (input.accounts > max)
    throw new DomainError('TOO_MANY_ACCOUNTS', `plan ${unit.plan} allows at most ${max} accounts per line`, {
      maxAccountsPerLine: max,
      accounts: input.accounts,
    });
  const used = unit.lines.reduce((n, l) => n + l.accounts, 0);
  const line: Line = {
    id: input.id,
    kind: 'additional',
    accounts: input.accounts,
    startDate: input.startDate,
    started: false,
    termEnd: null,
    firstTermEnd: null,
    endedOn: null,
    cancellation: null,
    firstAccount: used + 1,
    createdOn: today,
  };
  const next: Unit = { ...unit, lines: [...unit.lines, line] };
  if (input.startDate === today) {
    const r = startAdditionalLine(next, line.id, today, config);
    return { unit: r.unit, outbox: r.outbox, wakeUps: [] };
  }
  return { unit: next, outbox: [], wakeUps: [input.startDate] };
}

/** Art 17 (M3): any unit or application; notices to the previous and the new address, always both. */
export function changeContact(unit: Unit, person: Person, today: LocalDate, config: Config): Transition {
  const previous = unit.contractor.accountManager;
  const next: Unit = { ...unit, contractor: { ...unit.contractor, accountManager: person } };
  const disc = `v${unit.version}`;
  const data = { previous: previous.name, current: person.name, changedOn: today };
  return {
    unit: next,
    outbox: [
      unitNotice(next, 'contact_changed', today, 'previous_account_manager', config, data, { discriminator: disc, to: previous }),
      unitNotice(next, 'contact_changed', today, 'account_manager', config, data, { discriminator: disc }),
    ],
    wakeUps: [],
  };
}
