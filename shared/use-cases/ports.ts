/**
 * The ports the use cases need. Adapters in shared/adapters implement them with the AWS SDK v3
 * clients (against AWS or the local endpoints); test/fakes has in-memory versions.
 */
import type { Instant, LocalDate } from '#domain/calendar.ts';
import type { Config } from '#domain/config.ts';
import type { DesktopJob, Notice, OutboxItem } from '#domain/effects.ts';
import type { Invoice } from '#domain/invoices.ts';
import type { DeliveryStatus, MailEvent } from '#domain/mail-events.ts';
import type { CompensationRecord, Outage, OutageScope } from '#domain/outages.ts';
import type { ApplicationStatus, Unit, UnitStatus } from '#domain/unit.ts';

/** X4: one business clock for the API and the daily run. */
export interface Clock {
  today(): LocalDate;
  now(): Instant;
}

export interface IdGenerator {
  newId(prefix: string): string;
}

/** What a state change writes together with the unit, atomically. */
export interface Effects {
  readonly outbox: readonly OutboxItem[];
  /** Dates on which the daily run must wake this unit up (agenda). */
  readonly wakeUps: readonly LocalDate[];
  /** New line refs to reserve in the shared ref namespace (P5); a taken one fails with VALIDATION_FAILED. */
  readonly reserveRefs?: readonly string[];
  /** Invoices issued or changed by this write: their index entries are rewritten with it. */
  readonly invoices?: readonly Invoice[];
  /** The request's Idempotency-Key with what it produced; a key already recorded fails the write. */
  readonly idempotency?: IdempotencyRecord;
}

export interface IdempotencyRecord {
  readonly key: string;
  /** A hash of the request (route + body): the same key with another body is IDEMPOTENCY_KEY_REUSED. */
  readonly requestHash: string;
  readonly result: unknown;
}

/** Thrown by `save` when the idempotency key of the write was recorded meanwhile. */
export class IdempotencyKeyTakenError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} was used meanwhile`);
    this.name = 'IdempotencyKeyTakenError';
  }
}

export type InvoiceStatus = 'open' | 'overdue' | 'paid';

/** An invoice's index entry (listing without loading every unit). */
export interface InvoiceSummary {
  readonly id: string;
  readonly unitId: string;
  readonly issueDate: LocalDate;
  readonly kind: Invoice['kind'];
  readonly dueDate: LocalDate;
  readonly total: number;
  readonly balance: number;
  readonly paidOn: LocalDate | null;
}

/** A conditional save lost a race: reload, recompute, save again. */
export class ConcurrentModificationError extends Error {
  constructor(id: string) {
    super(`unit ${id} was modified concurrently`);
    this.name = 'ConcurrentModificationError';
  }
}

/**
 * Another delivery holds the item's lease: this one must be retried later (the queue redelivers it;
 * by then the holder has finished, or its lease has lapsed and this delivery takes over).
 */
export class DeliveryInProgressError extends Error {
  constructor(id: string) {
    super(`outbox item ${id} is being delivered by another worker`);
    this.name = 'DeliveryInProgressError';
  }
}

export interface UnitRepository {
  get(id: string): Promise<Unit | null>;
  /**
   * Records a new application atomically: reserves its id in the shared ref namespace (P5),
   * assigns the global receipt sequence (P9) and indexes the corporate number.
   * Fails with VALIDATION_FAILED when the id is taken.
   */
  create(unit: Omit<Unit, 'receivedSeq' | 'version'>): Promise<Unit>;
  /** Conditional on `unit.version` being the stored version; writes the unit (version + 1) and its effects in one transaction. */
  save(unit: Unit, effects: Effects): Promise<Unit>;
  /** True when an application received before `unit` still waits (status `received`) — Art 6-1 FIFO. */
  earlierPendingExists(unit: Unit): Promise<boolean>;
  /** True when a unit or line already uses this ref (P5). */
  refTaken(ref: string): Promise<boolean>;
  listApplications(status?: ApplicationStatus, limit?: number): Promise<Unit[]>;
  byCorporateNumber(corporateNumber: string): Promise<Unit[]>;
  getIdempotency(key: string): Promise<IdempotencyRecord | null>;
  /** open: unpaid, due today or later; overdue: unpaid, due before `today`; paid: settled. Ordered by due date. */
  listInvoices(filter: { status: InvoiceStatus; today: LocalDate }, limit?: number): Promise<InvoiceSummary[]>;
  /** Units by status (all when absent) whose next cancellation deadline is before a date. */
  listUnits(filter: { status?: UnitStatus; deadlineBefore?: LocalDate }, limit?: number): Promise<Unit[]>;
}

/** Outages, their compensation records and maintenance announcements (Art 33–35, 34-2). */
export interface OutageRepository {
  get(id: string): Promise<Outage | null>;
  /** Outage refs are their own namespace (P5); a taken id fails with VALIDATION_FAILED. */
  create(o: Omit<Outage, 'version'>): Promise<Outage>;
  /** Conditional on `o.version`; writes the outage (version + 1) and its notices in one transaction. */
  save(o: Outage, effects: { readonly outbox: readonly OutboxItem[] }): Promise<Outage>;
  list(filter: { readonly open?: boolean }): Promise<Outage[]>;
  compensations(outageId: string): Promise<CompensationRecord[]>;
  getCompensation(id: string): Promise<CompensationRecord | null>;
  /**
   * One unit's change in one transaction: new records (must not exist), updated records (conditional on
   * their stored status being `expectStatus`), and the notices. False when a condition failed (done already).
   */
  writeCompensations(change: {
    readonly added: readonly CompensationRecord[];
    readonly updated: readonly { readonly record: CompensationRecord; readonly expectStatus: CompensationRecord['status'] }[];
    readonly outbox: readonly OutboxItem[];
  }): Promise<boolean>;
  createMaintenance(m: Maintenance): Promise<void>;
}

export interface Maintenance {
  readonly id: string;
  readonly startsAt: Instant;
  readonly endsAt: Instant;
  readonly scope: OutageScope;
  readonly description: string;
  readonly announcedOn: LocalDate;
  readonly recipients: number;
}

/** The unit ids the daily run must wake on a date (reads grow with the day's work). */
export interface Agenda {
  dueOn(date: LocalDate): Promise<string[]>;
  /** The same ids, one list per storage shard (the fan-out sends each shard in parallel). */
  shardsDueOn?(date: LocalDate): Promise<string[][]>;
}

export interface RunLog {
  lastCompleted(): Promise<LocalDate | null>;
  markCompleted(date: LocalDate): Promise<void>;
}

export type OutboxState = 'pending' | 'done' | 'failed';

/** W5: why a desktop job failed for good (the AWS error code, or READY_TIMEOUT / WORKSPACE_ERROR / RETRIES_EXHAUSTED). */
export interface JobFailure {
  readonly code: string;
  readonly message: string;
  readonly userName?: string;
  /** Instant (ISO with offset). */
  readonly at: string;
  /** How many times an operator retried the job before this failure. */
  readonly retries: number;
}

export interface OutboxEntry {
  readonly item: OutboxItem;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly result?: Readonly<Record<string, unknown>>;
  /** Notices: what SES reported after accepting the mail (absent until its first event). */
  readonly delivery?: { readonly status: DeliveryStatus; readonly events: readonly MailEvent[] };
  /** A waiting desktop job's progress (when it started, how many re-checks so far). */
  readonly progress?: Readonly<Record<string, unknown>>;
  readonly failure?: JobFailure;
  /** Operator retries so far. */
  readonly retries?: number;
}

export interface OutboxRepository {
  get(id: string): Promise<OutboxEntry | null>;
  /** Marks the item done with its result, only if it is not done yet. Returns false when it already was. */
  complete(id: string, result: Record<string, unknown>): Promise<boolean>;
  /**
   * Takes the delivery lease of a pending item (wall-clock `leaseMs`), so that a duplicate delivery
   * running at the same time does not send twice. False when the item is done or another delivery holds
   * an unexpired lease; the holder completes it, or its lease lapses and the relay sweep publishes it again.
   */
  claim(id: string, leaseMs: number): Promise<boolean>;
  recordAttempt(id: string, error: string): Promise<void>;
  /** Items not yet done (for the relay sweep), in (date, id) order; `after`: the `${date}#${id}` of the previous page's last. */
  listPending(limit: number, after?: string): Promise<OutboxItem[]>;
  /**
   * Records a delivery event on a notice (once per event: a redelivered event changes nothing) and raises
   * its status to `status` unless it already stands at an equal or worse one (DELIVERY_RANK). False
   * when this event was recorded before.
   */
  recordDelivery(id: string, event: MailEvent, status: DeliveryStatus): Promise<boolean>;
  /** Writes items that belong to no unit's state change (maintenance notices); an existing id is kept as it is. */
  add(items: readonly OutboxItem[]): Promise<void>;
  /** The notices of a unit, newest first (the console shows what the customer was sent). */
  noticesOfUnit(unitId: string, limit?: number): Promise<OutboxEntry[]>;
  /** A waiting job: records its progress and releases the lease (the re-check is a delayed message). */
  release(id: string, progress: Record<string, unknown>): Promise<void>;
  /** W5: marks a pending item failed for good (out of the relay's sweep, into the failed list). False when it was not pending. */
  fail(id: string, failure: JobFailure): Promise<boolean>;
  /** W5: an operator retry: a failed item becomes pending again (progress cleared, retries + 1). False when it was not failed. */
  reopen(id: string): Promise<boolean>;
  /** Failed desktop jobs, oldest failure first, paged by an opaque cursor. */
  listFailed(limit: number, after?: string): Promise<{ items: OutboxEntry[]; next: string | null }>;
}

/** Queues with at-least-once delivery (SQS on AWS, in-process locally). */
export interface Queue<T> {
  /** `delaySeconds` (0–900, SQS's DelaySeconds): the messages become visible that much later. */
  send(messages: readonly T[], opts?: { readonly delaySeconds?: number }): Promise<void>;
}

export interface OutboxPublisher {
  publish(items: readonly OutboxItem[]): Promise<void>;
}

/** A rendered mail ready to send; `headers` carry the X6 notice metadata. */
export interface Mail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Files attached to the mail (the invoice PDF, MONEY-IN V4). */
  readonly attachments?: readonly { readonly filename: string; readonly contentType: string; readonly content: Uint8Array }[];
}

export interface Mailer {
  /** `raw`: the exact MIME message sent (archived with invoices, MONEY-IN A1), when the adapter has it. */
  send(mail: Mail): Promise<{ messageId: string; raw?: Uint8Array }>;
}

export type WorkspaceState =
  | 'PENDING'
  | 'AVAILABLE'
  | 'IMPAIRED'
  | 'UNHEALTHY'
  | 'REBOOTING'
  | 'STARTING'
  | 'REBUILDING'
  | 'RESTORING'
  | 'MAINTENANCE'
  | 'ADMIN_MAINTENANCE'
  | 'TERMINATING'
  | 'TERMINATED'
  | 'SUSPENDED'
  | 'UPDATING'
  | 'STOPPING'
  | 'STOPPED'
  | 'ERROR';

export interface Desktop {
  readonly workspaceId: string;
  readonly userName: string;
  readonly state: WorkspaceState;
}

/** One desktop to create: its user (already in the directory) and its tags (W4). */
export interface DesktopRequest {
  readonly userName: string;
  readonly unitId: string;
  readonly lineId: string;
}

export interface CreateDesktopsResult {
  readonly created: readonly Desktop[];
  readonly failed: readonly { readonly userName: string; readonly code: string; readonly message: string }[];
}

/**
 * Amazon WorkSpaces, one directory and bundle (config workspaces.*), running mode and encryption
 * from config desktops.* (W4). Errors thrown carry the AWS error code as `name`.
 */
export interface DesktopGateway {
  /** W6: desktops by id, 25 per DescribeWorkspaces call; ids not shown (terminated, or not yet visible) are absent. */
  describe(workspaceIds: readonly string[]): Promise<Desktop[]>;
  /** W6: every desktop of the directory, paged (the reconciler). */
  listDirectory(): Promise<Desktop[]>;
  /** The not-terminated desktop of one user (a crash between CreateWorkspaces and recording its id). */
  findByUserName(userName: string): Promise<Desktop | null>;
  /** W4: at most 25 per call, tagged `kokona:unit` / `kokona:line`; failures are reported, not thrown. */
  create(requests: readonly DesktopRequest[]): Promise<CreateDesktopsResult>;
  /** At most 25 per call. Returns the ids that failed, with their codes (ResourceNotFound: already gone). */
  terminate(workspaceIds: readonly string[]): Promise<{ failed: readonly { readonly workspaceId: string; readonly code: string }[] }>;
  /** W7: at most 25 per call (AUTO_STOP desktops stop before they go into ADMIN_MAINTENANCE). */
  stop(workspaceIds: readonly string[]): Promise<{ failed: readonly { readonly workspaceId: string; readonly code: string }[] }>;
  /** One desktop per call (ModifyWorkspaceState). */
  setState(workspaceId: string, state: 'ADMIN_MAINTENANCE' | 'AVAILABLE'): Promise<void>;
  /** The `kokona:unit` tag of a desktop (null: none), DescribeTags. */
  unitTag(workspaceId: string): Promise<string | null>;
}

/** W1: the WorkSpaces directory's users (Directory Service Data API, ResetUserPassword). Errors carry the AWS code as `name`. */
export interface DirectoryGateway {
  /** CreateUser; a user that exists already is not an error (returns false). */
  createUser(userName: string, attributes: { readonly givenName: string; readonly surname: string }): Promise<boolean>;
  /** ResetUserPassword (it also enables the user). */
  setPassword(userName: string, password: string): Promise<void>;
  /** DeleteUser; a user already gone is not an error. */
  deleteUser(userName: string): Promise<void>;
  /** DescribeUser: null when there is no such user. */
  describeUser(userName: string): Promise<{ readonly userName: string; readonly enabled: boolean } | null>;
}

/** W3: seals initial passwords until the kit is fetched (KMS envelope on AWS, a local key file on one machine). */
export interface PasswordVault {
  seal(plains: readonly string[]): Promise<string[]>;
  open(sealed: readonly string[]): Promise<string[]>;
}

/** W10: one account of a line as its own item. */
export interface AccountRecord {
  readonly unitId: string;
  readonly lineId: string;
  readonly userName: string;
  /** The account's number in its unit (1-based). */
  readonly number: number;
  /** W1: the directory user exists (created by this system). */
  readonly userCreated?: boolean;
  /** W3: the sealed initial password until the kit is fetched; absent afterwards. */
  readonly sealedPassword?: string;
  readonly workspaceId?: string;
  /** W4: how many times its desktop was terminated in ERROR and created again. */
  readonly recreates?: number;
  /** W8: its desktop and user are gone (the line ended). */
  readonly deleted?: boolean;
  /** W3: the reissued kit whose password it holds (a retried reissue does not reset it again). */
  readonly kitIssued?: string;
}

export interface AccountRepository {
  /** W2: the next short-code sequence number (a counter, never handed out twice). */
  nextShortCodeSeq(): Promise<number>;
  listByLine(unitId: string, lineId: string): Promise<AccountRecord[]>;
  listByUnit(unitId: string): Promise<AccountRecord[]>;
  /** Writes whole records (25 per batch call): only the job holding the line's lease, or the kit fetch, writes them. */
  putAll(records: readonly AccountRecord[]): Promise<void>;
  /** W3: removes the sealed passwords of these accounts (after the kit was fetched). */
  wipePasswords(records: readonly AccountRecord[]): Promise<void>;
}

export type KitState = 'open' | 'fetched' | 'revoked';

/** W3: a kit link; the store holds the token's SHA-256 only. */
export interface KitRecord {
  readonly hash: string;
  readonly unitId: string;
  readonly expiresOn: LocalDate;
  readonly state: KitState;
  readonly issuedAt: string;
  readonly fetchedAt?: string;
}

export interface KitRepository {
  put(kit: KitRecord): Promise<void>;
  get(hash: string): Promise<KitRecord | null>;
  /** The unit's latest kit. */
  current(unitId: string): Promise<KitRecord | null>;
  /** open → fetched, conditionally: false when it was not open (a second fetch lost the race). */
  markFetched(hash: string, at: string): Promise<boolean>;
  revoke(hash: string): Promise<void>;
}

/** W9: the reconciler's report (bounded: counts, the first items of each kind). */
export interface DriftReport {
  readonly id: string;
  readonly at: string;
  readonly date: LocalDate;
  readonly trigger: 'schedule' | 'operator';
  /** Differences to repair (foreign desktops are not drift: they are only reported). */
  readonly drift: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly repaired: Readonly<Record<string, number>>;
  readonly items: readonly unknown[];
  /** Orphans' first-seen dates (workspaceId → date), carried to the next run. */
  readonly orphansSince: Readonly<Record<string, LocalDate>>;
}

export interface DriftStore {
  latest(): Promise<DriftReport | null>;
  save(report: DriftReport): Promise<void>;
}

/** A message of the lifecycle queue: bring this unit up to this date. */
export interface UnitDayMessage {
  readonly unitId: string;
  readonly date: LocalDate;
}

/** A message of the mail or desktop queue: deliver this outbox item. */
export interface OutboxMessage {
  readonly outboxId: string;
}

/**
 * The business figures the functions publish as CloudWatch metrics (namespace `Kokona`, EMF through
 * Powertools Metrics on Lambda; counted in memory by the embedded stack). All are sums per period.
 */
export type MetricName =
  /** Dates the daily run completed (the "daily run not completed" alarm watches it). */
  | 'DailyRunCompleted'
  /** Wake-ups the daily run fanned out (due units). */
  | 'DueUnits'
  /** Dates the daily run owes at the hourly check (0 when up to date; alarm ≥ 1 from 01:00 JST). */
  | 'DailyRunOwedDays'
  | 'InvoicesIssued'
  | 'YenBilled'
  | 'NoticesSent'
  | 'NoticesDelivered'
  | 'NoticesBounced'
  | 'NoticesComplained'
  | 'NoticesRejected'
  | 'DesktopsCreated'
  | 'DesktopsFailed'
  | 'CompensationYen'
  /** Desktops whose WorkSpaces state differs from the unit's (the desktop reconciler). */
  | 'DesktopDrift';

export interface Telemetry {
  count(metric: MetricName, value?: number): void;
}

/** What the state-changing use cases need. */
export interface CoreDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly units: UnitRepository;
  readonly publisher: OutboxPublisher;
  /** Business metrics (optional: tests and tools leave it out). */
  readonly telemetry?: Telemetry;
  /** MONEY-IN B3a: when present, acceptance registers the payer and its virtual account. */
  readonly payers?: PayerRepository;
  /** The audit trail (every composition root passes it; in-memory unit tests may leave it out). */
  readonly audit?: AuditLog;
}

/** One entry of the append-only audit trail: who (principal and role), what, when, the request, before/after. */
export interface AuditEntry {
  readonly at: string /* Instant, ISO with offset */;
  readonly actor: { readonly id: string; readonly role: 'operator' | 'viewer' | 'agent' | 'system' | 'customer' };
  readonly action: string;
  readonly unit?: string;
  readonly target?: string;
  readonly requestId?: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Append-only: there is no way to change or remove an entry (the adapter refuses to overwrite one). */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

export interface AuditQuery {
  readonly unit?: string;
  readonly actor?: string;
  /** Instants (ISO with offset), inclusive. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  /** The opaque cursor of the previous page. */
  readonly next?: string;
}

/** Reading the trail (GET /audit): newest first, paged. */
export interface AuditReader {
  query(q: AuditQuery): Promise<{ items: AuditEntry[]; next: string | null }>;
}

export type { DesktopJob, Notice, OutboxItem };

// ------------------------------------------------------------------------------------------------
// Money in (MONEY-IN B1–B7, V1–V4, A1–A3).

/** A payer (B3): its virtual account, its units, the remitter names it is known by (normalised). */
export interface Payer {
  readonly id: string;
  readonly virtualAccount: string;
  readonly units: readonly string[];
  /** Normalised names: the application's nameKana and every name learned by a match by hand (B6). */
  readonly names: readonly string[];
}

export interface PayerRepository {
  get(id: string): Promise<Payer | null>;
  byVirtualAccount(account: string): Promise<Payer | null>;
  /** Payer ids registered under a normalised name. */
  byName(normalisedName: string): Promise<string[]>;
  /**
   * Registers the payer if it is new (its virtual account is the next of the configured range, taken
   * with `allocate(n)`), adds the unit and the names. Idempotent. Returns the payer as stored.
   */
  register(id: string, unitId: string, names: readonly string[], allocate: (n: number) => string | null): Promise<Payer>;
  addName(id: string, normalisedName: string): Promise<void>;
}

export type StoredDepositStatus = 'pending' | 'matched' | 'partial' | 'unmatched' | 'credit' | 'cancelled';

export interface DepositPayment {
  readonly invoiceId: string;
  readonly unitId: string;
  readonly amount: number;
  /** The invoice's balance when the payment was made (to tell partial from full). */
  readonly balanceBefore?: number;
}

/** One deposit as recorded (B2 identity → id). */
export interface Deposit {
  readonly id: string;
  readonly identity: string;
  /** B5: the (bank, branch, account, 照会番号, 金額) a cancellation refers to. */
  readonly reference: string;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly accountNumber: string;
  readonly valueDate: LocalDate;
  readonly inquiry: string;
  readonly amount: number;
  readonly remitter: string;
  readonly remitterNormalised: string;
  readonly remitterBank: string;
  readonly remitterBranch: string;
  readonly edi: string;
  /** The bank file it came in (its SHA-256) and the record number. */
  readonly file: string;
  readonly record: number;
  readonly importedOn: LocalDate;
  readonly status: StoredDepositStatus;
  /** pending: the allocation to apply (written before the payments so a retry applies the same). */
  readonly planned?: readonly DepositPayment[];
  readonly payer: string | null;
  /** How the payer was found: virtual account, registered name, or the operator (B6). */
  readonly matchedBy: 'virtual_account' | 'name' | 'operator' | null;
  readonly payments: readonly DepositPayment[];
  readonly credit: number;
  readonly cancelledOn?: LocalDate;
  readonly version: number;
}

export interface DepositRepository {
  get(id: string): Promise<Deposit | null>;
  /** B2: records it unless a deposit with that id exists; false when it did (a duplicate). */
  create(d: Deposit): Promise<boolean>;
  /** Conditional on `d.version`; false when it was changed meanwhile. */
  save(d: Deposit): Promise<boolean>;
  byReference(reference: string): Promise<Deposit[]>;
  list(
    filter: { status?: StoredDepositStatus },
    page: { limit: number; next?: string },
  ): Promise<{ items: Deposit[]; next: string | null }>;
}

/** One archived document (A1). */
export interface ArchivedDocument {
  readonly key: string;
  readonly invoiceId: string;
  readonly kind: 'pdf' | 'eml';
  readonly contentType: string;
  /** 取引年月日 (the invoice's issue date), 金額 (its total), 取引先 (the recipient). */
  readonly date: LocalDate;
  readonly amount: number;
  readonly counterparty: string;
  readonly sha256: string;
  readonly size: number;
  readonly archivedAt: string;
  /** A3: the document this one corrects, if any. */
  readonly corrects?: string;
}

export interface ArchiveQuery {
  readonly from?: LocalDate;
  readonly to?: LocalDate;
  readonly min?: number;
  readonly max?: number;
  readonly counterparty?: string;
}

/** Write-once storage of issued invoices (A1–A3). */
export interface Archive {
  /** Stores a document under a new key; a key that exists is refused (ARCHIVE_WRITE_ONCE). */
  put(doc: Omit<ArchivedDocument, 'sha256' | 'size' | 'archivedAt'>, body: Uint8Array): Promise<ArchivedDocument>;
  head(key: string): Promise<ArchivedDocument | null>;
  read(key: string): Promise<{ doc: ArchivedDocument; body: Uint8Array } | null>;
  search(q: ArchiveQuery, page: { limit: number; next?: string }): Promise<{ items: ArchivedDocument[]; next: string | null }>;
}

/** Renders an invoice as its PDF (V1–V3). */
export interface InvoiceDocuments {
  pdf(invoice: Invoice): Promise<Uint8Array>;
}

/** Where bank files arrive unattended (S3 on AWS: `incoming/`), and where their answers are written (`results/`). */
export interface BankFileStore {
  read(bucket: string, key: string): Promise<Uint8Array>;
  writeResult(bucket: string, key: string, result: unknown): Promise<void>;
}
