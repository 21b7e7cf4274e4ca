import type {
  AccountRepository,
  Archive,
  AuditLog,
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

/** What the api function's routes need (built by index.ts on Lambda, by infra/local for the embedded stack). */
export interface ApiDeps extends CoreDeps {
  readonly ids: IdGenerator;
  readonly outages: OutageRepository;
  readonly outbox: OutboxRepository;
  readonly accounts: AccountRepository;
  readonly kits: KitRepository;
  readonly vault: PasswordVault;
  readonly audit: AuditLog;
  readonly drift: DriftStore;
  readonly desktops: DesktopGateway;
  readonly auth: { readonly mode: 'iam' | 'token'; readonly token?: string };
  /** Money in (MONEY-IN). */
  readonly payers: PayerRepository;
  readonly deposits: DepositRepository;
  readonly archive: Archive;
  readonly documents: InvoiceDocuments;
}
