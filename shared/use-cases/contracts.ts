/**
 * Running contracts: additional lines, cancellations, contact changes, queries.
 * Each: 1. load and catch the unit up (changeUnit); 2. the domain decides; 3. one write with its notices.
 */
import { parseLocalDate, type LocalDate } from '#domain/calendar.ts';
import * as rules from '#domain/contracts.ts';
import { cancel, type CancellationRequest } from '#domain/cancellation.ts';
import { invalid } from '#domain/errors.ts';
import type { Person, Unit, UnitStatus } from '#domain/unit.ts';
import { changeUnit } from './commit.ts';
import type { CoreDeps, IdGenerator } from './ports.ts';
import { authorize, authorizeUnit, visible, type Principal } from './authz.ts';

export async function addLine(
  deps: CoreDeps & { ids: IdGenerator },
  who: Principal,
  unitId: string,
  input: { ref?: string; accounts: number; startDate: string },
): Promise<Unit> {
  authorize(who, 'units.change');
  const today = deps.clock.today();
  const startDate = parseLocalDate(input.startDate);
  const id = input.ref ?? deps.ids.newId('l');
  return changeUnit(
    deps,
    unitId,
    async (unit) => {
      authorizeUnit(who, 'units.change', unit);
      // P5: refs of units and lines share one namespace; the write reserves it atomically as well.
      if (await deps.units.refTaken(id))
        throw invalid(`ref ${id} is already used by a unit or line (DETAILS P5)`, { field: 'ref', ref: id });
      if (!startDate) throw invalid('startDate must be a date YYYY-MM-DD', { field: 'startDate' });
      return rules.addLine(unit, { id, accounts: input.accounts, startDate }, today, deps.config);
    },
    { reserveRefs: [id], audit: { actor: who, action: 'line.add', target: id } },
  );
}

export async function cancelContract(deps: CoreDeps, who: Principal, unitId: string, input: CancellationRequest): Promise<Unit> {
  authorize(who, 'units.change');
  const today = deps.clock.today();
  return changeUnit(
    deps,
    unitId,
    (unit) => {
      authorizeUnit(who, 'units.change', unit);
      return cancel(unit, input, today, deps.config);
    },
    { audit: { actor: who, action: 'unit.cancel', ...(input.line ? { target: input.line } : {}) } },
  );
}

export async function changeContact(deps: CoreDeps, who: Principal, unitId: string, person: Person): Promise<Unit> {
  authorize(who, 'units.change');
  const today = deps.clock.today();
  return changeUnit(
    deps,
    unitId,
    (unit) => {
      authorizeUnit(who, 'units.change', unit);
      return rules.changeContact(unit, person, today, deps.config);
    },
    { audit: { actor: who, action: 'unit.change_contact' } },
  );
}

/** Units by status and deadline; `q` searches the contractor's name, the unit ref and the corporate number. */
export async function listUnits(
  deps: Pick<CoreDeps, 'units'>,
  who: Principal,
  filter: { status?: UnitStatus; deadlineBefore?: LocalDate; q?: string },
  limit = 100,
): Promise<Unit[]> {
  authorize(who, 'units.read');
  const { q, ...rest } = filter;
  if (!q) return visible(who, 'units.read', await deps.units.listUnits(rest, limit));
  const needle = q.normalize('NFKC').toLowerCase();
  const hit = (u: Unit) =>
    u.id.toLowerCase().includes(needle) ||
    u.contractor.name.normalize('NFKC').toLowerCase().includes(needle) ||
    u.contractor.corporateNumber.includes(needle);
  return visible(who, 'units.read', (await deps.units.listUnits(rest, 100_000)).filter(hit)).slice(0, limit);
}
