/**
 * Applications (Art 5, 6, 7): receive, accept in order, reject, defer.
 * 1. validate against the rules (DETAILS P2 / P10 precedence);
 * 2. change the unit through `changeUnit` (state + notice in one write);
 * 3. return the unit as stored.
 */
import * as rules from '#domain/applications.ts';
import { formatJst, parseLocalDate } from '#domain/calendar.ts';
import { isDelinquent } from '#domain/payments.ts';
import { DomainError, invalid } from '#domain/errors.ts';
import type { ApplicationStatus, Unit } from '#domain/unit.ts';
import { changeUnit, unitSummary } from './commit.ts';
import { shortCode } from '#domain/desktops.ts';
import { openKit } from './account-kit.ts';
import { registerPayer } from './deposits.ts';
import type { AccountRepository, CoreDeps, IdGenerator, KitRepository } from './ports.ts';
import { authorize, authorizeUnit, soldBy, visible, type Principal } from './authz.ts';
type AcceptExtras = rules.AcceptExtras;

export interface SubmitApplicationInput extends rules.ApplicationInput {
  readonly ref?: string;
}

export async function submitApplication(
  deps: CoreDeps & { ids: IdGenerator },
  who: Principal,
  input: SubmitApplicationInput,
): Promise<Unit> {
  // An agent submits its own sales only: the contract names it as the agent (Art 29: it is the payer).
  if (authorize(who, 'applications.submit') === 'own' && !soldBy(who, { contractor: input.contractor }))
    throw new DomainError('FORBIDDEN', 'an agent submits applications for its own sales: contractor.agent.email must be its address', {
      field: 'contractor.agent',
    });
  // P2: a duplicate ref is a VALIDATION_FAILED of the first group, before the rules (P5).
  if (input.ref !== undefined && (await deps.units.refTaken(input.ref)))
    throw invalid(`ref ${input.ref} is already used by a unit or line (DETAILS P5)`, { field: 'ref', ref: input.ref });
  rules.checkApplication(input, deps.config);
  const id = input.ref ?? deps.ids.newId('u');
  // P13: no notice on receipt.
  const unit = await deps.units.create(rules.newApplication(id, input, deps.clock.today()));
  await deps.audit?.record({
    at: formatJst(deps.clock.now()),
    actor: { id: who.id, role: who.role },
    action: 'application.submit',
    unit: unit.id,
    ...(who.requestId ? { requestId: who.requestId } : {}),
    after: unitSummary(unit),
  });
  return unit;
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
export async function acceptApplication(
  deps: CoreDeps & Partial<DesktopAcceptDeps>,
  who: Principal,
  id: string,
  input: { startDate: string },
): Promise<Unit> {
  authorize(who, 'applications.decide');
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
  return changeUnit(
    deps,
    id,
    async (unit) => {
      authorizeUnit(who, 'applications.decide', unit);
      if (!startDate) throw invalid('startDate must be a date YYYY-MM-DD', { field: 'startDate' });
      rules.checkAcceptable(unit, startDate, today);
      if (await deps.units.earlierPendingExists(unit))
        throw new DomainError(
          'EARLIER_APPLICATION_PENDING',
          'an application received earlier is still pending (Art 6-1: accepted in order of receipt)',
          {},
        );
      const related = (await deps.units.byCorporateNumber(unit.contractor.corporateNumber)).filter((u) => u.id !== unit.id);
      if (isDelinquent(related, today))
        throw new DomainError(
          'APPLICANT_DELINQUENT',
          'the applicant has an overdue invoice or a contract terminated for non-payment (Art 6-2(2))',
          {
            corporateNumber: unit.contractor.corporateNumber,
          },
        );
      const t = rules.accept(unit, startDate, today, deps.config, await prepare(unit));
      // MONEY-IN B3a: the payer (contractor, or the agent) gets its virtual account at acceptance
      // (once per call: a lost race retries this function with the same account).
      if (!deps.payers || t.unit.virtualAccount) return t;
      virtualAccount ??= await registerPayer(deps.payers, t.unit, deps.config);
      return { ...t, unit: { ...t.unit, virtualAccount } };
    },
    { audit: { actor: who, action: 'application.accept' } },
  );
}

export async function rejectApplication(deps: CoreDeps, who: Principal, id: string, input: { reason: string }): Promise<Unit> {
  authorize(who, 'applications.decide');
  const today = deps.clock.today();
  return changeUnit(
    deps,
    id,
    (unit) => {
      authorizeUnit(who, 'applications.decide', unit);
      return rules.reject(unit, input.reason, today, deps.config);
    },
    { audit: { actor: who, action: 'application.reject' } },
  );
}

export async function deferApplication(
  deps: CoreDeps,
  who: Principal,
  id: string,
  input: { reason: string; expectedOn: string },
): Promise<Unit> {
  authorize(who, 'applications.decide');
  const today = deps.clock.today();
  const expectedOn = parseLocalDate(input.expectedOn);
  return changeUnit(
    deps,
    id,
    (unit) => {
      authorizeUnit(who, 'applications.decide', unit);
      if (!expectedOn) throw invalid('expectedOn must be a date YYYY-MM-DD', { field: 'expectedOn' });
      return rules.defer(unit, input.reason, expectedOn, today, deps.config);
    },
    { audit: { actor: who, action: 'application.defer' } },
  );
}

export async function listApplications(deps: Pick<CoreDeps, 'units'>, who: Principal, status?: ApplicationStatus): Promise<Unit[]> {
  authorize(who, 'applications.read');
  return visible(who, 'applications.read', await deps.units.listApplications(status));
}

export async function getUnit(deps: Pick<CoreDeps, 'units'>, who: Principal, id: string): Promise<Unit> {
  authorize(who, 'units.read');
  const unit = await deps.units.get(id);
  if (!unit) throw new DomainError('NOT_FOUND', `unit ${id} not found`, { id });
  authorizeUnit(who, 'units.read', unit);
  return unit;
}
