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

export async function addLine(
  deps: CoreDeps & { ids: IdGenerator },
  unitId: string,
  input: { ref?: string; accounts: number; startDate: string },
): Promise<Unit> {
  const today = deps.clock.today();
  const startDate = parseLocalDate(input.startDate);
  const id = input.ref ?? deps.ids.newId('l');
  return changeUnit(
    deps,
    unitId,
    async (unit) => {
      // P5: refs of units and lines share one namespace; the write reserves it atomically as well.
      if (await deps.units.refTaken(id)) throw invalid(`ref ${id} is already used by a unit or line (DETAILS P5)`, { field: 'ref', ref: id });
      if (!startDate) throw invalid('startDate must be a date YYYY-MM-DD', { field: 'startDate' });
      return rules.addLine(unit, { id, accounts: input.accounts, startDate }, today, deps.config);
    },
    { reserveRefs: [id] },
  );
}

export async function cancelContract(deps: CoreDeps, unitId: string, input: CancellationRequest): Promise<Unit> {
  const today = deps.clock.today();
  return changeUnit(deps, unitId, (unit) => cancel(unit, input, today, deps.config));
}

export async function changeContact(deps: CoreDeps, unitId: string, person: Person): Promise<Unit> {
  const today = deps.clock.today();
  return changeUnit(deps, unitId, (unit) => rules.changeContact(unit, person, today, deps.config));
}

export async function listUnits(deps: Pick<CoreDeps, 'units'>, filter: { status?: UnitStatus; deadlineBefore?: LocalDate }): Promise<Unit[]> {
  return deps.units.listUnits(filter);
}
