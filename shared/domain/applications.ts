/** Applications (Art 5, 6, 7, 11, 12) — RULES.md §2, DETAILS P. */
import { addDays, compareDates, type LocalDate } from './calendar.ts';
import { lineUserNames } from './desktops.ts';
import type { Config } from './config.ts';
import { isValidCorporateNumber } from './corporate-number.ts';
import { DomainError, invalid } from './errors.ts';
import type { OutboxItem, Transition } from './effects.ts';
import { startUnit } from './lifecycle.ts';
import { unitNotice } from './notices.ts';
import { ELIGIBLE_KINDS, type Contractor, type Unit } from './unit.ts';

export interface ApplicationInput {
  readonly plan: string;
  readonly accounts: number;
  readonly contractor: Contractor;
}

/**
 * Checks an application in the order of DETAILS P2: VALIDATION_FAILED (unknown plan, accounts not an
 * integer ≥ 1) → INELIGIBLE_APPLICANT (Art 11) → INVALID_CORPORATE_NUMBER → BELOW_MIN_ACCOUNTS (Art 12).
 */
export function checkApplication(input: ApplicationInput, config: Config): void {
  const plan = config.plans[input.plan];
  if (!plan) throw invalid(`unknown plan: ${input.plan}`, { field: 'plan', plans: Object.keys(config.plans) });
  if (!Number.isInteger(input.accounts) || input.accounts < 1) throw invalid('accounts must be an integer ≥ 1', { field: 'accounts' });
  if (!(ELIGIBLE_KINDS as readonly string[]).includes(input.contractor.kind))
    throw new DomainError(
      'INELIGIBLE_APPLICANT',
      `a ${input.contractor.kind} cannot contract (Art 11): corporations and public bodies only`,
      {
        kind: input.contractor.kind,
        eligible: ELIGIBLE_KINDS,
      },
    );
  if (!isValidCorporateNumber(input.contractor.corporateNumber))
    throw new DomainError('INVALID_CORPORATE_NUMBER', 'the corporate number must be 13 digits with a valid check digit', {
      corporateNumber: input.contractor.corporateNumber,
    });
  if (input.accounts > plan.maxAccountsPerLine)
    throw new DomainError('TOO_MANY_ACCOUNTS', `plan ${input.plan} allows at most ${plan.maxAccountsPerLine} accounts per line`, {
      maxAccountsPerLine: plan.maxAccountsPerLine,
      accounts: input.accounts,
    });
  if (input.accounts < plan.minAccounts)
    throw new DomainError('BELOW_MIN_ACCOUNTS', `plan ${input.plan} needs at least ${plan.minAccounts} accounts (Art 12)`, {
      minAccounts: plan.minAccounts,
      accounts: input.accounts,
    });
}

/** How many user names the サービス提供開始通知書 lists (W10: no unbounded list in a mail); the kit has them all. */
export const MAIL_USER_NAMES = 20;

/** A received application: a unit in status `pending` (DETAILS H1). */
export function newApplication(id: string, input: ApplicationInput, today: LocalDate): Omit<Unit, 'receivedSeq' | 'version'> {
  return {
    id,
    plan: input.plan,
    accounts: input.accounts,
    contractor: input.contractor,
    status: 'pending',
    history: [{ date: today, status: 'pending' }],
    receivedOn: today,
    application: { status: 'received' },
    startDate: null,
    lines: [],
    cancellation: null,
    endedOn: null,
    invoices: [],
    suspendedOn: null,
    // Received after that day's daily run (events follow the 00:05 run, DETAILS S5).
    processedThrough: today,
  };
}

function requireDecidable(unit: Unit): void {
  if (unit.application.status !== 'received' && unit.application.status !== 'deferred')
    throw invalid(`application ${unit.id} is already ${unit.application.status}`, { status: unit.application.status });
}

/** DETAILS P10/P11: the state and start-date checks of an acceptance (VALIDATION_FAILED), before FIFO and delinquency. */
export function checkAcceptable(unit: Unit, startDate: LocalDate, today: LocalDate): void {
  requireDecidable(unit);
  if (compareDates(startDate, today) < 0) throw invalid('startDate must not be before today', { field: 'startDate', today });
}

/** What acceptance needs from outside the rules: the unit's short code and its account kit link (W2, W3). */
export interface AcceptExtras {
  readonly shortCode?: string;
  readonly kit?: { readonly url: string; readonly expiresOn: LocalDate };
}

/** W3: the kit link is valid `kit.retrievalDays` from the later of today and the start date. */
export function kitExpiresOn(startDate: LocalDate, today: LocalDate, config: Config): LocalDate {
  return addDays(compareDates(startDate, today) > 0 ? startDate : today, config.kit.retrievalDays);
}

/**
 * Art 6, 7: acceptance sets the start date, creates the basic contract as the unit's first line and
 * sends the サービス提供開始通知書: the first MAIL_USER_NAMES user names and, for plans with desktops,
 * the one-time link to the account kit (never a password, W3). A start today starts at once (X2);
 * a later start wakes the daily run on that date. History (H1): nothing, unless it was deferred.
 */
export function accept(unit: Unit, startDate: LocalDate, today: LocalDate, config: Config, extras: AcceptExtras = {}): Transition {
  checkAcceptable(unit, startDate, today);
  const code = unit.shortCode ?? extras.shortCode;
  let next: Unit = {
    ...unit,
    ...(code ? { shortCode: code } : {}),
    status: 'pending',
    history: unit.application.status === 'deferred' ? [...unit.history, { date: today, status: 'pending' }] : unit.history,
    application: { status: 'accepted', decidedOn: today },
    startDate,
    lines: [
      { id: unit.id, kind: 'basic', accounts: unit.accounts, startDate, started: false, termEnd: null, endedOn: null, firstAccount: 1 },
    ],
  };
  const names = code ? lineUserNames(next, next.lines[0]!).slice(0, MAIL_USER_NAMES) : [];
  const outbox: OutboxItem[] = [
    unitNotice(next, 'application_accepted', today, 'account_manager', config, {
      accounts: unit.accounts,
      startDate,
      userNames: names,
      userNamesTotal: unit.accounts,
      ...(extras.kit ? { kit: { url: extras.kit.url, expiresOn: extras.kit.expiresOn } } : {}),
    }),
  ];
  if (startDate === today) {
    const started = startUnit(next, today, config);
    next = started.unit;
    outbox.push(...started.outbox);
    return { unit: next, outbox, wakeUps: started.wakeUps };
  }
  return { unit: next, outbox, wakeUps: [startDate] };
}

/** Art 6-2, 6-3: a refusal with its reason. */
export function reject(unit: Unit, reason: string, today: LocalDate, config: Config): Transition {
  requireDecidable(unit);
  const next: Unit = {
    ...unit,
    status: 'rejected',
    history: [...unit.history, { date: today, status: 'rejected' }],
    application: { status: 'rejected', reason, decidedOn: today },
  };
  return {
    unit: next,
    outbox: [unitNotice(next, 'application_rejected', today, 'account_manager', config, { accounts: unit.accounts, reason })],
    wakeUps: [],
  };
}

/** Art 6-2, 6-3: a deferral (承諾延期) with its reason and expected date; it stops blocking later applications (P8). */
export function defer(unit: Unit, reason: string, expectedOn: LocalDate, today: LocalDate, config: Config): Transition {
  requireDecidable(unit);
  const next: Unit = {
    ...unit,
    status: 'deferred',
    history: [...unit.history, { date: today, status: 'deferred' }],
    application: { status: 'deferred', reason, expectedOn, decidedOn: today },
  };
  // Deferred twice on the same day: the discriminator keeps both notices distinct.
  const disc = unit.application.status === 'deferred' && unit.application.decidedOn === today ? `${unit.version}` : undefined;
  const notice = unitNotice(next, 'application_deferred', today, 'account_manager', config, {
    accounts: unit.accounts,
    reason,
    expectedOn,
  });
  return { unit: next, outbox: [disc ? { ...notice, id: `${notice.id}#${disc}` } : notice], wakeUps: [] };
}
