import type {
  AccountRepository,
  AuditLog,
  CoreDeps,
  DesktopGateway,
  DriftStore,
  IdGenerator,
  KitRepository,
  OutageRepository,
  OutboxRepository,
  PasswordVault,
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
}
