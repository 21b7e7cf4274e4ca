/**
 * The one-time account kit (W3): the link of the サービス提供開始通知書, its fetch (the one route
 * without operator auth: the token is the credential) and the operator's reissue. The store keeps
 * the token's SHA-256 only; passwords stay sealed until the fetch, which wipes them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { kitExpiresOn } from '#domain/applications.ts';
import { compareDates, formatJst, type LocalDate } from '#domain/calendar.ts';
import { lineHasDesktops } from '#domain/desktops.ts';
import { desktopJobId, noticeId, type DesktopJob, type Notice } from '#domain/effects.ts';
import { DomainError, notFound } from '#domain/errors.ts';
import type { Unit } from '#domain/unit.ts';
import { authorize, type Principal } from './authz.ts';
import type {
  AccountRepository,
  AuditEntry,
  AuditLog,
  CoreDeps,
  KitRecord,
  KitRepository,
  OutboxRepository,
  PasswordVault,
} from './ports.ts';

export interface KitDeps {
  readonly config: CoreDeps['config'];
  readonly clock: CoreDeps['clock'];
  readonly units: CoreDeps['units'];
  readonly publisher: CoreDeps['publisher'];
  readonly accounts: AccountRepository;
  readonly kits: KitRepository;
  readonly vault: PasswordVault;
  readonly audit: AuditLog;
  readonly outbox: OutboxRepository;
}

/** 256 random bits, base64url (43 characters); the store keeps only its SHA-256. */
export function newKitToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export const kitUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/$/, '')}/kit/${token}`;

/** W3: a new open kit for a unit (the previous one revoked). */
export async function openKit(
  deps: Pick<KitDeps, 'kits' | 'clock' | 'config'>,
  unitId: string,
  startDate: LocalDate,
): Promise<{ url: string; kit: KitRecord }> {
  const { token, hash } = newKitToken();
  const previous = await deps.kits.current(unitId);
  const kit: KitRecord = {
    hash,
    unitId,
    expiresOn: kitExpiresOn(startDate, deps.clock.today(), deps.config),
    state: 'open',
    issuedAt: new Date(deps.clock.now()).toISOString(),
  };
  await deps.kits.put(kit);
  if (previous && previous.hash !== hash) await deps.kits.revoke(previous.hash);
  return { url: kitUrl(deps.config.kit.baseUrl, token), kit };
}

export interface AccountKit {
  readonly unit: string;
  readonly registrationCode: string;
  readonly clientDownload: string;
  readonly accounts: readonly { readonly userName: string; readonly initialPassword: string }[];
  readonly note: string;
}

const gone = () =>
  new DomainError(
    'GONE',
    'this account kit link is no longer valid (already fetched, expired or replaced); ask your contact to issue a new one',
    {},
  );

/**
 * W3: the kit, once. Unknown, fetched, revoked and expired links all answer 410 GONE (nothing tells
 * them apart). Before every account's user and password exist: 409 KIT_NOT_READY (not consumed).
 */
export async function fetchKit(deps: KitDeps, token: string, requester: { ip?: string; requestId?: string }): Promise<AccountKit> {
  const today = deps.clock.today();
  const kit = /^[A-Za-z0-9_-]{43}$/.test(token) ? await deps.kits.get(hashToken(token)) : null;
  if (!kit || kit.state !== 'open' || compareDates(today, kit.expiresOn) > 0) throw gone();
  const unit = await deps.units.get(kit.unitId);
  if (!unit) throw gone();
  const expected = unit.lines.filter((l) => lineHasDesktops(l, today, deps.config)).reduce((n, l) => n + l.accounts, 0);
  const reissued =
    kit.issuedAt !== undefined &&
    (await deps.outbox.get(desktopJobId({ unitId: unit.id, lineId: unit.id, action: 'kit', date: kitJobDate(kit) })))?.item;
  const live = (await deps.accounts.listByUnit(unit.id)).filter((a) => !a.deleted && a.userCreated);
  const ready = live.filter((a) => a.sealedPassword && (!reissued || a.kitIssued === kit.hash));
  if (expected === 0 || ready.length < expected || ready.length < live.length)
    throw new DomainError(
      'KIT_NOT_READY',
      'the desktops of this contract are still being prepared; open the link again later (it stays valid)',
      { retryAfterSeconds: 300 },
    );
  const passwords = await deps.vault.open(ready.map((a) => a.sealedPassword!));
  const at = new Date(deps.clock.now()).toISOString();
  if (!(await deps.kits.markFetched(kit.hash, at))) throw gone();
  await deps.accounts.wipePasswords(ready);
  await deps.audit.record({
    at: formatJst(deps.clock.now()),
    actor: { id: requester.ip ?? 'unknown', role: 'customer' },
    action: 'account_kit.fetched',
    unit: unit.id,
    target: kit.hash.slice(0, 12),
    ...(requester.requestId ? { requestId: requester.requestId } : {}),
    after: { accounts: ready.length },
  } satisfies AuditEntry);
  return {
    unit: unit.id,
    registrationCode: deps.config.workspaces.registrationCode,
    clientDownload: 'https://clients.amazonworkspaces.com/',
    accounts: ready.map((a, i) => ({ userName: a.userName, initialPassword: passwords[i]! })),
    note: 'この内容は再表示できません。安全な場所に保管し、初回サインイン後に各利用者ご自身でパスワードを変更してください。',
  };
}

/** The date part of a reissue job id: the kit's issue date (JST). */
function kitJobDate(kit: KitRecord): LocalDate {
  const d = new Date(Date.parse(kit.issuedAt) + 9 * 3_600_000);
  return d.toISOString().slice(0, 10) as LocalDate;
}

/**
 * W3 reissue (operator): a new link (the old one revoked at once), new initial passwords for every
 * account (a desktop job), and the kit mail to the account manager. Audited.
 */
export async function reissueKit(
  deps: KitDeps,
  who: Principal,
  unitId: string,
): Promise<{ unit: string; expiresOn: LocalDate; mailedTo: string }> {
  authorize(who, 'kit.reissue');
  const unit: Unit | null = await deps.units.get(unitId);
  if (!unit) throw notFound('unit', unitId);
  if (!deps.config.plans[unit.plan]?.desktops || !unit.shortCode)
    throw new DomainError('UNIT_NOT_ACTIVE', `unit ${unitId} has no desktop accounts`, { unit: unitId });
  const today = deps.clock.today();
  if (!unit.lines.some((l) => lineHasDesktops(l, today, deps.config)))
    throw new DomainError('UNIT_NOT_ACTIVE', `unit ${unitId} has no account in service`, { unit: unitId });
  const date = today;
  if (await deps.outbox.get(desktopJobId({ unitId, lineId: unitId, action: 'kit', date })))
    throw new DomainError(
      'VALIDATION_FAILED',
      'the kit of this unit was already reissued today: the account manager has that link; reissue again tomorrow',
      { unit: unitId },
      'rule',
    );
  const before = await deps.kits.current(unitId);
  const { url, kit } = await openKit(deps, unitId, today);
  const accounts = unit.lines.reduce((n, l) => n + (lineHasDesktops(l, today, deps.config) ? l.accounts : 0), 0);
  const job: DesktopJob = {
    kind: 'desktop',
    id: desktopJobId({ unitId, lineId: unitId, action: 'kit', date }),
    action: 'kit',
    unitId,
    lineId: unitId,
    date,
    accounts,
    kit: kit.hash,
  };
  const notice: Notice = {
    kind: 'notice',
    id: noticeId({ unitId, type: 'account_kit', date, role: 'account_manager', discriminator: kit.hash.slice(0, 16) }),
    type: 'account_kit',
    unitId,
    date,
    role: 'account_manager',
    to: unit.contractor.accountManager,
    data: { kitUrl: url, kitExpiresOn: kit.expiresOn, accounts },
  };
  await deps.outbox.add([job, notice]);
  await deps.publisher.publish([job, notice]).catch(() => undefined);
  await deps.audit.record({
    at: formatJst(deps.clock.now()),
    actor: { id: who.id, role: who.role },
    action: 'account_kit.reissued',
    unit: unitId,
    ...(who.requestId ? { requestId: who.requestId } : {}),
    before: before ? { state: before.state, expiresOn: before.expiresOn } : null,
    after: { expiresOn: kit.expiresOn, accounts },
  });
  return { unit: unitId, expiresOn: kit.expiresOn, mailedTo: unit.contractor.accountManager.email };
}
