import type { CoreDeps, IdGenerator, OutageRepository, OutboxRepository } from '#use-cases/ports.ts';

/** What the api function's routes need (built by index.ts on Lambda, by infra/local for the embedded stack). */
export interface ApiDeps extends CoreDeps {
  readonly ids: IdGenerator;
  readonly outages: OutageRepository;
  readonly outbox: OutboxRepository;
  readonly auth: { readonly mode: 'iam' | 'token'; readonly token?: string };
}
