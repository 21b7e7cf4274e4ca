import type {
  AccountRepository,
  Archive,
  AuditLog,
  AuditReader,
  CoreDeps,
  DepositRepository,
  DesktopGateway,
  DriftStore,
  IdGenerator,
  InvoiceDocuments,
  KitRepository,
  OutageRepository,
  OutboxRepository,
  PasswordVault,
  PayerRepository,
} from '#use-cases/ports.ts';
import type { TestClock } from '#use-cases/console.ts';
import type { AuthConfig } from './auth.ts';

/** What the api function's routes need (built by index.ts on Lambda, by infra/local for the embedded stack). */
export interface ApiDeps extends CoreDeps {
  readonly ids: IdGenerator;
  readonly outages: OutageRepository;
  readonly outbox: OutboxRepository;
  readonly auth: AuthConfig;
  /** The audit trail: written by the use cases, read by GET /audit. */
  readonly audit: AuditLog & AuditReader;
  readonly accounts: AccountRepository;
  readonly kits: KitRepository;
  readonly vault: PasswordVault;
  readonly drift: DriftStore;
  /** WorkSpaces: the live state of a unit's desktops (GET /units/{id}/desktops), the reconciler. */
  readonly desktops: DesktopGateway;
  /** Money in (MONEY-IN). */
  readonly payers: PayerRepository;
  readonly deposits: DepositRepository;
  readonly archive: Archive;
  readonly documents: InvoiceDocuments;
  /** Local stacks only: the test clock (POST /clock/advance). */
  readonly testClock?: TestClock;
}
