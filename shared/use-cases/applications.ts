/**
 * Applications (Art 5, 6, 7): receive, accept in order, reject, defer.
 * 1. validate against the rules (DETAILS P2 / P10 precedence);
 * 2. change the unit through `changeUnit` (state + notice in one write);
 * 3. return the unit as stored.
 */
import * as rules from '#domain/applications.ts';
import { parseLocalDate } from '#domain/calendar.ts';
import { isDelinquent } from '#domain/payments.ts';
import { DomainError, invalid } from '#domain/errors.ts';
import type { ApplicationStatus, Unit } from '#domain/unit.ts';
import { changeUnit } from './commit.ts';
import { shortCode } from '#domain/desktops.ts';
import { openKit } from './account-kit.ts';
import { registerPayer } from './deposits.ts';
import type { AccountRepository, CoreDeps, IdGenerator, KitRepository } from './ports.ts';
type AcceptExtras = rules.AcceptExtras;

export interface SubmitApplicationInput extends rules.ApplicationInput {
  readonly ref?: string;
}

export async function submitApplication(deps: CoreDeps & { ids: IdGenerator }, input: SubmitApplicationInput): Promise<Unit> {
  // P2: a duplicate ref is a VALIDATION_FAILED of the first group, before the rules (P5).
  if (input.ref !== undefined && (await deps.units.refTaken(input.ref)))
    throw invalid(`ref ${input.ref} is already used by a unit or line (DETAILS P5)`, { field: 'ref', ref: input.ref });
  rules.checkApplication(input, deps.config);
  const id = input.ref ?? deps.ids.newId('u');
  // P13: no notice on receipt.
  return deps.units.create(rules.newApplication(id, input, deps.clock.today()));
}

/** What acceptance of a plan with desktops needs besides the core: short codes (W2) and the kit link (W3). */
export interface DesktopAcceptDeps {
  readonly accounts: Pick<AccountRepository, 'nextShortCodeSeq'>;
  readonly kits: KitRepository;
}

/**
 * Art 6-1 FIFO and Art 6-2(2) delinquency, in the order of DETAILS P10. A plan with desktops gets its
 * short code (once: a code is never handed out twice) and an open kit link for the mail (W2, W3).
 */
export async function acceptApplication(deps: CoreDeps & Partial<DesktopAcceptDeps>, id: string, input: { startDate: string }): Promise<Unit> {
  const today = deps.clock.today();
  const startDate = parseLocalDate(input.startDate);
  let extras: AcceptExtras | undefined;
  let virtualAccount: string | undefined;
  const prepare = async (unit: Unit): Promise<AcceptExtras> => {
    if (extras) return extras;
    if (!deps.config.plans[unit.plan]?.desktops || !deps.accounts || !deps.kits || !startDate) return {};
    const code = unit.shortCode ?? shortCode(await deps.accounts.nextShortCodeSeq());
    const { url, kit } = await openKit({ kits: deps.kits, clock: deps.clock, config: deps.config }, unit.id, startDate);
    extras = { shortCode: code, kit: { url, expiresOn: kit.expiresOn } };
    return extras;
  };
  return changeUnit(deps, id, async (unit) => {
    if (!startDate) throw invalid('startDate must be a date YYYY-MM-DD', { field: 'startDate' });
    rules.checkAcceptable(unit, startDate, today);
    if (await deps.units.earlierPendingExists(unit))
      throw new DomainError('EARLIER_APPLICATION_PENDING', 'an application received earlier is still pending (Art 6-1: accepted in order of receipt)', {});
    const related = (await deps.units.byCorporateNumber(unit.contractor.corporateNumber)).filter((u) => u.id !== unit.id);
    if (isDelinquent(related, today))
      throw new DomainError('APPLICANT_DELINQUENT', 'the applicant has an overdue invoice or a contract terminated for non-payment (Art 6-2(2))', {
        corporateNumber: unit.contractor.corporateNumber,
      });
    const t = rules.accept(unit, startDate, today, deps.config, await prepare(unit));
    // MONEY-IN B3a: the payer (contractor, or the agent) gets its virtual account at acceptance
    // (once per call: a lost race retries this function with the same account).
    if (!deps.payers || t.unit.virtualAccount) return t;
    virtualAccount ??= await registerPayer(deps.payers, t.unit, deps.config);
    return { ...t, unit: { ...t.unit, virtualAccount } };
  });
}

export async function rejectApplication(deps: CoreDeps, id: string, input: { reason: string }): Promise<Unit> {
  const today = deps.clock.today();
  return changeUnit(deps, id, (unit) => rules.reject(unit, input.reason, today, deps.config));
}

export async function deferApplication(deps: CoreDeps, id: string, input: { reason: string; expectedOn: string }): Promise<Unit> {
  const today = deps.clock.today();
  const expectedOn = parseLocalDate(input.expectedOn);
  return changeUnit(deps, id, (unit) => {
    if (!expectedOn) throw invalid('expectedOn must be a date YYYY-MM-DD', { field: 'expectedOn' });
    return rules.defer(unit, input.reason, expectedOn, today, deps.config);
  });
}

export async function listApplications(deps: Pick<CoreDeps, 'units'>, status?: ApplicationStatus): Promise<Unit[]> {
  return deps.units.listApplications(status);
}

export async function getUnit(deps: Pick<CoreDeps, 'units'>, id: string): Promise<Unit> {
  const unit = await deps.units.get(id);
  if (!unit) throw new DomainError('NOT_FOUND', `unit ${id} not found`, { id });
  return unit;
}
