import type { CoreDeps, IdGenerator } from '#use-cases/ports.ts';

/** What the api function's routes need (built by index.ts on Lambda, by infra/local for the embedded stack). */
export interface ApiDeps extends CoreDeps {
  readonly ids: IdGenerator;
  readonly auth: { readonly mode: 'iam' | 'token'; readonly token?: string };
}
