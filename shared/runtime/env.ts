/**
 * Typed environment of every function, parsed once at cold start (composition roots only).
 * The CDK stacks build each function's environment from the same key lists (test/infra checks it).
 */
import { z } from 'zod';

const common = {
  TABLE_NAME: z.string().min(3),
  /** JSON overrides of RULES.md config (deep-merged over the defaults, DETAILS G1). */
  CONFIG_JSON: z.string().default('{}'),
};
const queues = {
  MAIL_QUEUE_URL: z.string().min(1),
  DESKTOP_QUEUE_URL: z.string().min(1),
};

export const envSchemas = {
  api: z.object({
    ...common,
    ...queues,
    /** `iam`: API Gateway already authorised the caller (AWS); `token`: bearer token (local). */
    AUTH_MODE: z.enum(['iam', 'token']).default('iam'),
    API_TOKEN: z.string().optional(),
  }),
  'daily-run': z.object({ ...common, ...queues, LIFECYCLE_QUEUE_URL: z.string().min(1) }),
  'lifecycle-worker': z.object({ ...common, ...queues }),
  mailer: z.object({
    ...common,
    SES_CONFIGURATION_SET: z.string().optional(),
    /** The cap on the mailer's concurrent instances: each paces itself at sendRatePerSecond / this. */
    MAILER_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  }),
  provisioner: z.object({ ...common }),
  'outage-watch': z.object({ ...common, ...queues }),
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
