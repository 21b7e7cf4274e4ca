/**
 * Typed environment of every function, parsed once at cold start (composition roots only).
 * The CDK stacks build each function's environment from the same key lists (test/infra checks it).
 * zod/mini: the jobs bundle no more of zod than this needs (the full zod is ~375 KB minified).
 */
import * as z from 'zod/mini';

const required = () => z.string().check(z.minLength(1));
const common = {
  TABLE_NAME: z.string().check(z.minLength(3)),
  /** JSON overrides of RULES.md config (deep-merged over the defaults, DETAILS G1). */
  CONFIG_JSON: z._default(z.string(), '{}'),
};
const queues = {
  MAIL_QUEUE_URL: required(),
  DESKTOP_QUEUE_URL: required(),
};

export const envSchemas = {
  api: z.object({
    ...common,
    ...queues,
    /** `jwt`: API Gateway's JWT authorizer verified a Cognito token (AWS); `token`: bearer token (local). */
    AUTH_MODE: z._default(z.enum(['jwt', 'token']), 'jwt'),
    API_TOKEN: z.optional(z.string()),
    /** MONEY-IN A1: the Object Lock bucket of the archive. */
    ARCHIVE_BUCKET: required(),
    /** The Japanese font bundled beside the code (MONEY-IN V2). */
    INVOICE_FONT_PATH: z._default(z.string(), 'fonts/NotoSansJP-Regular.ttf'),
    /** The KMS key wrapping stored initial passwords (W3). */
    KIT_KEY_ID: required(),
  }),
  'daily-run': z.object({ ...common, ...queues, LIFECYCLE_QUEUE_URL: required() }),
  'lifecycle-worker': z.object({ ...common, ...queues }),
  mailer: z.object({
    ...common,
    SES_CONFIGURATION_SET: z.optional(z.string()),
    /** The cap on the mailer's concurrent instances: each paces itself at sendRatePerSecond / this. */
    MAILER_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 2),
    ARCHIVE_BUCKET: required(),
    INVOICE_FONT_PATH: z._default(z.string(), 'fonts/NotoSansJP-Regular.ttf'),
  }),
  /** MONEY-IN: a bank file dropped in the bank-files bucket (S3 event) is imported like POST /bank-files. */
  'bank-import': z.object({ ...common, ...queues }),
  provisioner: z.object({ ...common, ...queues, KIT_KEY_ID: required() }),
  reconciler: z.object({ ...common, KIT_KEY_ID: required() }),
  'outage-watch': z.object({ ...common, ...queues }),
  /** SES delivery events → notices (and `notice_bounced` to the operator through the mail queue). */
  'ses-events': z.object({ ...common, ...queues }),
} as const;

export type FunctionName = keyof typeof envSchemas;
export type Env<F extends FunctionName> = z.infer<(typeof envSchemas)[F]>;

/** The keys a function reads (for the CDK stacks and their test). */
export function envKeys(fn: FunctionName): string[] {
  return Object.keys(envSchemas[fn].shape);
}

export function parseEnv<F extends FunctionName>(fn: F, env: Record<string, string | undefined> = process.env): Env<F> {
  const r = envSchemas[fn].safeParse(env);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment for ${fn}: ${issues}`);
  }
  return r.data as Env<F>;
}
