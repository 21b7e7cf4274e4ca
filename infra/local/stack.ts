/**
 * The embedded stack: everything `npm start`, the simulator and the end-to-end tests run on one
 * machine — DynamoDB Local, the SES mail sink, the WorkSpaces emulator, the HTTP → API Gateway
 * bridge, in-process queues — wired to the SAME handlers (functions/<name>/handler.ts) and adapters
 * as on AWS; only the endpoints and the queues differ.
 */
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { markLayout, migrateLayout } from '#adapters/dynamodb/migrate.ts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchive } from '#adapters/archive/local-archive.ts';
import { PdfKitInvoiceDocuments } from '#adapters/pdf/invoice-pdf.ts';
import type { Context, SQSEvent } from 'aws-lambda';
import { validConfig, type Config } from '#domain/config.ts';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { meterReads, type ReadMeter } from '#adapters/dynamodb/read-meter.ts';
import { TTL_ATTRIBUTE, tableDefinition } from '#adapters/dynamodb/table.ts';
import { memoryStore } from '#adapters/memory/memory-store.ts';
import { makeSesClient } from '#adapters/ses/client.ts';
import { SesMailer } from '#adapters/ses/ses-mailer.ts';
import { PacedMailer } from '#adapters/ses/paced-mailer.ts';
import { makeWorkspacesClient } from '#adapters/workspaces/client.ts';
import { WorkspacesDesktopGateway } from '#adapters/workspaces/workspaces-desktop-gateway.ts';
import { randomIds } from '#runtime/clock.ts';
import { MemoryTelemetry } from '#runtime/observability.ts';
import { statusOf, tokenMatches } from '#runtime/http.ts';
import { DailyRunBody } from '#runtime/schemas.ts';
import { DomainError } from '#domain/errors.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import type { Clock, OutboxMessage, UnitDayMessage } from '#use-cases/ports.ts';
import { makeHandler as makeApi } from '#functions/api/handler.ts';
import { makeHandler as makeDailyRun, type DailyRunEvent } from '#functions/daily-run/handler.ts';
import { makeHandler as makeLifecycleWorker } from '#functions/lifecycle-worker/handler.ts';
import { makeHandler as makeMailer } from '#functions/mailer/handler.ts';
import { makeHandler as makeProvisioner } from '#functions/provisioner/handler.ts';
import { makeHandler as makeReconciler } from '#functions/reconciler/handler.ts';
import { AwsDirectoryGateway, DsDataClient, makeDirectoryServiceClient } from '#adapters/directory/directory-gateway.ts';
import { EnvelopePasswordVault, FileKeyWrapper } from '#adapters/kms/password-vault.ts';
import { makeHandler as makeOutageWatch, type OutageWatchEvent } from '#functions/outage-watch/handler.ts';
import { makeHandler as makeSesEvents } from '#functions/ses-events/handler.ts';
import { storeAdapters } from '#functions/wiring.ts';
import type { LocalUser } from '#functions/api/auth.ts';
import type { TestClock } from '#use-cases/console.ts';
import { formatJst, type Instant, type LocalDate } from '#domain/calendar.ts';
import type { SettableClock } from '#runtime/clock.ts';
import { serveStatic } from './static-files.ts';
import { startDynamoLocal, type DynamoLocal } from './dynamodb-local.ts';
import { startApiServer } from './http-server.ts';
import { InProcessQueue } from './in-process-queue.ts';
import { MailSinkClient, startMailSink, type MailSink, type SesEventJson } from './mail-sink.ts';
import { inProcessFetch, inProcessHandler } from './in-process-http.ts';
import { startWorkspacesEmulator, type WorkspacesEmulator } from './workspaces-emulator.ts';

export interface EmbeddedStackOptions {
  readonly clock: Clock;
  /**
   * Where the store lives: `dynamodb` (default: DynamoDB Local, as `npm start` runs) or `memory` (the
   * memory adapter, shared/adapters/memory: the test clock's default; no DynamoDB Local is started and
   * `dynamoEndpoint`, `dataDir`, `meter`, `faults` do not apply).
   */
  readonly store?: 'dynamodb' | 'memory';
  /** RULES.md config overrides (deep-merged). */
  readonly config?: unknown;
  readonly tableName?: string;
  /** Reuse a running DynamoDB Local (tests); otherwise one is started. */
  readonly dynamoEndpoint?: string;
  /** Persist the store here (npm start); in memory when absent. */
  readonly dataDir?: string;
  /** 0 = any free port. Without `api` no HTTP server is started. */
  readonly ports?: { readonly api?: number; readonly dynamodb?: number; readonly ses?: number; readonly workspaces?: number };
  readonly apiToken?: string;
  readonly provisionDelayMs?: number;
  /** Emulator knobs (quota, Describe delay). */
  readonly emulator?: { readonly maxWorkspaces?: number; readonly describeDelayMs?: number };
  /** Milliseconds per second of a delayed queue message (a desktop job's re-check): default 1000; tests shrink it. */
  readonly queueDelayScale?: number;
  /** Persist the emulators' state (desktops, directory users) here; the account-kit key file beside it. */
  readonly stateDir?: string;
  /** Pause between retry rounds of the provisioner and the queues (ms). */
  readonly retryDelayMs?: number;
  /** Deliver every queue message this many times (fault tests). */
  readonly duplicates?: number;
  /** Mails per second through SES (default: config `mail.sendRatePerSecond`; tests and the simulator: Infinity). */
  readonly mailRatePerSecond?: number;
  /**
   * Agenda shards (default 4: DynamoDB Local answers one request at a time, so every shard is a
   * round trip on each daily run; AWS uses 16). Persisted data must keep the count it was written with.
   */
  readonly agendaShards?: number;
  /** Meter the reads of the store's DynamoDB client (adapters/dynamodb/read-meter.ts): exposed as `readMeter` (benchmark, tests). */
  readonly meter?: boolean;
  /**
   * SES delivery events (default true): the mail sink reports a Delivery or a Bounce (addresses set
   * with `mail.bounce(address)`) for every mail, recorded on the notice by the ses-events handler.
   * The simulator and the bench leave them out (they change no Result and no run's own work).
   */
  readonly mailEvents?: boolean;
  /** The write-once archive folder (MONEY-IN A1); a fresh temporary folder when absent. */
  readonly archiveDir?: string;
  /**
   * Invoice mails carry their PDF and are archived write-once (default true). The simulator and the bench
   * leave it out: the PDF and the archive change no Result and cost ~0.1 s of rendering per invoice.
   */
  readonly invoiceDocuments?: boolean;
  /**
   * `in-process` (the test clock): the SDK clients of SES, WorkSpaces and the directory hand their requests
   * to the mail sink and the emulator in this process (infra/local/in-process-http.ts: the same clients and
   * request bytes, no loopback socket), and the sink runs without aws-ses-v2-local (no web inbox; the
   * Result reads only the headers). Default `http`: real servers on 127.0.0.1, as `npm start` runs.
   */
  readonly transport?: 'http' | 'in-process';
  /** Fault tests: called once with the store's DynamoDB document client, e.g. to add middleware that fails chosen writes. */
  readonly faults?: (db: DynamoDBDocumentClient) => void;
  /** Local users of the console and the API (each role); `apiToken` is always an operator. */
  readonly users?: readonly LocalUser[];
  /** Serve the built console (console/dist) at /console/ on the API port. */
  readonly consoleDir?: string;
  /** npm start: keep the mail inbox here across restarts (replayed into the sink at start). */
  readonly mailDir?: string;
}

const ctx = { functionName: 'local', awsRequestId: 'local', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

function sqsEvent(bodies: unknown[]): SQSEvent {
  return { Records: bodies.map((b, i) => ({ messageId: String(i), body: JSON.stringify(b) })) } as unknown as SQSEvent;
}

/** Feeds a queue to an SQS-batch handler one message at a time; a reported failure is retried by the queue. */
function consumeWith<T>(queue: InProcessQueue<T>, handler: (e: SQSEvent, c: Context) => Promise<{ batchItemFailures: unknown[] }>): void {
  queue.consume(async (m) => {
    let r: { batchItemFailures: unknown[] };
    try {
      r = await handler(sqsEvent([m]), ctx);
    } catch (e) {
      // A batch that failed whole raises FullBatchFailureError (Powertools Batch): retry on the message's own error.
      throw (e as { recordErrors?: unknown[] }).recordErrors?.[0] ?? e;
    }
    if (r.batchItemFailures.length) throw new Error('message failed (see the log)');
  });
}

export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const want = tableDefinition(tableName);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // A store kept under .local/data by an older version: add the indexes it lacks.
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    for (const gsi of want.GlobalSecondaryIndexes ?? []) {
      if (have.has(gsi.IndexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: want.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } }],
        }),
      );
    }
    // TTL as on AWS (DynamoDB Local accepts it but never deletes: readers check `expiresAt` themselves).
    await enableTtl(client, tableName);
    // A store kept under .local/data by an older version: its index keys get their shards (migrate.ts).
    const db = DynamoDBDocumentClient.from(client);
    await migrateLayout(db, tableName, (l) => console.log(`[store] ${l}`));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
    await client.send(new CreateTableCommand(want));
    await enableTtl(client, tableName);
    await markLayout(DynamoDBDocumentClient.from(client), tableName);
  } finally {
    client.destroy();
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
  );
}

export async function startEmbeddedStack(opts: EmbeddedStackOptions) {
  const config: Config = validConfig(opts.config ?? {});
  const tableName = opts.tableName ?? 'kokona';
  const started: { stop(): Promise<void> }[] = [];
  try {
    const inMemory = opts.store === 'memory';
    if (inMemory && (opts.dataDir || opts.meter || opts.faults))
      throw new Error('the memory store cannot persist (dataDir), meter reads (meter) or inject DynamoDB faults (faults)');
    let dynamo: DynamoLocal | null = null;
    if (!opts.dynamoEndpoint && !inMemory) {
      dynamo = await startDynamoLocal({ port: opts.ports?.dynamodb, dbPath: opts.dataDir });
      started.push(dynamo);
    }
    const dynamoEndpoint = inMemory ? null : (opts.dynamoEndpoint ?? dynamo!.endpoint);
    if (dynamoEndpoint) await ensureTable(dynamoEndpoint, tableName);
    // The sink's SES events go to the mail-events queue (EventBridge rule → SQS on AWS); set once the queue exists.
    let onMailEvent: ((e: SesEventJson) => void) | undefined;
    if (opts.mailDir) mkdirSync(opts.mailDir, { recursive: true });
    const inProcess = opts.transport === 'in-process';
    const sink: MailSink = await startMailSink({
      port: opts.ports?.ses ?? 0,
      upstream: !inProcess,
      onEvent: (e) => onMailEvent?.(e),
      ...(opts.mailDir ? { persistFile: join(opts.mailDir, 'sent.jsonl') } : {}),
    });
    started.push({ stop: () => sink.close() });
    const sinkClient = new MailSinkClient(sink.url, inProcess ? inProcessFetch(sink.respond) : fetch);
    // The sink's store is per process: start each stack empty (npm start replays its persisted inbox instead).
    if (!opts.mailDir) await sinkClient.clear();
    const emulator: WorkspacesEmulator = await startWorkspacesEmulator({
      port: opts.ports?.workspaces ?? 0,
      provisionDelayMs: opts.provisionDelayMs ?? 2000,
      ...opts.emulator,
      ...(opts.stateDir ? { statePath: join(opts.stateDir, 'emulators.json') } : {}),
    });
    started.push({ stop: () => emulator.close() });

    const db = dynamoEndpoint ? makeDocumentClient({ endpoint: dynamoEndpoint }) : null;
    const readMeter: ReadMeter | null = db && opts.meter ? meterReads(db) : null;
    if (db) opts.faults?.(db);
    // TTL is judged by the stack's business clock on both stores (tests and the simulator run in other years).
    const store = db
      ? storeAdapters(db, tableName, { agendaShards: opts.agendaShards ?? 4, now: () => opts.clock.now() })
      : memoryStore({ now: () => opts.clock.now() });
    const queueOpts = { backoffMs: opts.retryDelayMs ?? 200, duplicates: opts.duplicates };
    const queues = {
      lifecycle: new InProcessQueue<UnitDayMessage>({ name: 'lifecycle', ...queueOpts }),
      mail: new InProcessQueue<OutboxMessage>({ name: 'mail', concurrency: 4, ...queueOpts }),
      desktops: new InProcessQueue<OutboxMessage>({
        name: 'desktops',
        concurrency: 2,
        delayScale: opts.queueDelayScale ?? 1000,
        ...queueOpts,
      }),
      mailEvents: new InProcessQueue<unknown>({ name: 'mail-events', concurrency: 4, ...queueOpts }),
    };
    const publisher = new QueueOutboxPublisher(queues.mail, queues.desktops);
    const telemetry = new MemoryTelemetry();
    const core = { config, clock: opts.clock, units: store.units, publisher, telemetry, payers: store.payers, audit: store.audit };
    const archiveDir = opts.archiveDir ?? mkdtempSync(join(tmpdir(), 'kokona-archive-'));
    const archive = new LocalArchive(archiveDir, () => formatJst(opts.clock.now()));
    const documents = new PdfKitInvoiceDocuments();
    const settable = 'setToday' in opts.clock ? (opts.clock as SettableClock) : null;
    // The test clock (like a Stripe test clock): move the business date forward, run every daily run in between.
    const testClock: TestClock | undefined = settable
      ? {
          advanceTo: async (to: LocalDate) => {
            const from = settable.today();
            settable.setToday(to);
            const r = await runDaily({ date: to });
            const hour = (Math.floor(settable.now() / 3_600_000) * 3_600_000) as Instant;
            await runWatch({ scheduledTime: formatJst(hour) });
            return { from, to, dates: r.dates };
          },
        }
      : undefined;

    const region = 'ap-northeast-1';
    const toEmulator = inProcess ? { requestHandler: inProcessHandler(emulator.respond), fetch: inProcessFetch(emulator.respond) } : {};
    const desktops = new WorkspacesDesktopGateway(makeWorkspacesClient({ endpoint: emulator.url, region, ...toEmulator }), {
      ...config.workspaces,
      desktops: config.desktops,
    });
    const directory = new AwsDirectoryGateway(
      new DsDataClient({ endpoint: emulator.url, region, ...toEmulator }),
      makeDirectoryServiceClient({ endpoint: emulator.url, region, ...toEmulator }),
      config.workspaces.directoryId,
    );
    // W3: the local wrapping key of stored initial passwords (git-ignored state folder), in memory for tests.
    const vault = new EnvelopePasswordVault(new FileKeyWrapper(opts.stateDir ? join(opts.stateDir, 'kit-key') : undefined));
    const desktopStore = { accounts: store.accounts, kits: store.kits, audit: store.audit, drift: store.drift, vault, desktops };
    const api = makeApi({
      ...core,
      ...desktopStore,
      ids: randomIds,
      outages: store.outages,
      outbox: store.outbox,
      testClock,
      auth: { mode: 'token', token: opts.apiToken ?? 'local-token', users: opts.users ?? [] },
      deposits: store.deposits,
      archive,
      documents,
    });
    const dailyRun = makeDailyRun({
      clock: opts.clock,
      agenda: store.agenda,
      runLog: store.runLog,
      outbox: store.outbox,
      publisher,
      lifecycleQueue: queues.lifecycle,
      telemetry,
      audit: store.audit,
    });
    consumeWith(queues.lifecycle, makeLifecycleWorker(core));
    const outageWatch = makeOutageWatch({ ...core, ids: randomIds, outages: store.outages, outbox: store.outbox, runLog: store.runLog });
    const sesMailer = new SesMailer(
      makeSesClient({
        endpoint: sink.url,
        region: 'ap-northeast-1',
        ...(inProcess ? { requestHandler: inProcessHandler(sink.respond) } : {}),
      }),
    );
    const mailer = new PacedMailer(sesMailer, opts.mailRatePerSecond ?? config.mail.sendRatePerSecond);
    consumeWith(
      queues.mail,
      makeMailer({
        config,
        outbox: store.outbox,
        mailer,
        telemetry,
        ...(opts.invoiceDocuments === false ? {} : { archive, documents }),
        audit: store.audit,
        clock: opts.clock,
      }),
    );
    consumeWith(queues.mailEvents, makeSesEvents({ config, outbox: store.outbox, publisher, telemetry }));
    if (opts.mailEvents ?? true)
      onMailEvent = (e) => void queues.mailEvents.send([{ source: 'aws.ses', 'detail-type': 'SES event', detail: e }]);
    consumeWith(
      queues.desktops,
      makeProvisioner({
        config,
        clock: opts.clock,
        units: store.units,
        outbox: store.outbox,
        publisher,
        telemetry,
        desktops,
        directory,
        accounts: store.accounts,
        kits: store.kits,
        vault,
        audit: store.audit,
        recheck: queues.desktops,
      }),
    );
    const reconcile = makeReconciler({
      config,
      clock: opts.clock,
      units: store.units,
      accounts: store.accounts,
      drift: store.drift,
      desktops,
      telemetry,
    });
    /** The reconciler (after the daily run on AWS), then whatever it queued. */
    const runReconcile = async () => {
      const r = await reconcile({}, ctx);
      await drain();
      return r;
    };

    /** Waits until every queue is idle (handlers feed each other, so loop until all are). */
    const drain = async () => {
      for (;;) {
        await Promise.all(Object.values(queues).map((q) => q.drain()));
        if (Object.values(queues).every((q) => q.depth === 0)) return;
      }
    };
    /** The hourly watcher (EventBridge Scheduler `cron(0 * * * ? *)` on AWS), then its mails. */
    const runWatch = async (event: OutageWatchEvent) => {
      const r = await outageWatch(event, ctx);
      await drain();
      return r;
    };
    const runDaily = async (event: DailyRunEvent) => {
      const r = await dailyRun(event, ctx);
      await drain();
      return r;
    };

    let server: Server | null = null;
    if (opts.ports?.api !== undefined) {
      server = await startApiServer(api, {
        port: opts.ports.api,
        // Local-only operator hook for `npm run daily -- --date D` (same token).
        extra: async (req, body) => {
          if (opts.consoleDir && req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/console')))
            return serveStatic(opts.consoleDir, req.url === '/' ? '/console/' : req.url, '/console/');
          if (req.method === 'POST' && req.url === '/_local/sign-in') return localSignIn(opts.users ?? [], body);
          if (req.url !== '/_local/daily' && !req.url?.startsWith('/_local/')) return null;
          if (req.url !== '/_local/daily')
            return { status: 404, body: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}`, details: {} } };
          if (req.method !== 'POST')
            return {
              status: 405,
              headers: { allow: 'POST' },
              body: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed here`, details: { allow: ['POST'] } },
            };
          if (!tokenMatches(req.headers.authorization, opts.apiToken ?? 'local-token'))
            return { status: 401, body: { code: 'UNAUTHORIZED', message: 'missing or invalid credentials', details: {} } };
          let event: unknown;
          try {
            event = body.trim() === '' ? {} : JSON.parse(body);
          } catch {
            return { status: 400, body: { code: 'VALIDATION_FAILED', message: 'the body is not valid JSON', details: {} } };
          }
          const parsed = DailyRunBody.safeParse(event);
          if (!parsed.success)
            return {
              status: 400,
              body: {
                code: 'VALIDATION_FAILED',
                message: 'the body does not match the schema',
                details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
              },
            };
          try {
            return { status: 200, body: await runDaily(parsed.data) };
          } catch (e) {
            if (e instanceof DomainError) return { status: statusOf(e), body: { code: e.code, message: e.message, details: e.details } };
            throw e;
          }
        },
      });
      const s = server;
      started.push({ stop: () => new Promise<void>((r) => s.close(() => r())) });
    }

    const apiPort = server ? (server.address() as { port: number }).port : null;
    return {
      config,
      tableName,
      /** Which store the stack runs on (`npm run simulate` says it). */
      storeKind: inMemory ? ('memory' as const) : ('dynamodb' as const),
      store,
      /** Reads of the store's client so far (null unless `meter`). */
      readMeter,
      /** The business metrics the functions published (CloudWatch `Kokona` on AWS). */
      telemetry,
      queues,
      api,
      runDaily,
      runWatch,
      testClock,
      runReconcile,
      drain,
      emulator,
      desktops,
      directory,
      vault,
      mail: sinkClient,
      archive,
      archiveDir,
      documents,
      urls: {
        api: apiPort ? `http://127.0.0.1:${apiPort}` : null,
        dynamodb: dynamoEndpoint ?? undefined,
        ses: sink.url,
        inbox: `${sink.url}/`,
        workspaces: emulator.url,
      },
      async stop() {
        for (const q of Object.values(queues)) q.stop();
        for (const s of started.reverse()) await s.stop().catch(() => undefined);
        if (!opts.archiveDir) rmSync(archiveDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw e;
  }
}

/** The console's local sign-in: user name + password → the user's bearer token (127.0.0.1 only). */
function localSignIn(users: readonly LocalUser[], body: string) {
  let b: { user?: unknown; password?: unknown } = {};
  try {
    b = JSON.parse(body || '{}') as typeof b;
  } catch {
    /* refused below */
  }
  const u = users.find((x) => x.id === b.user && typeof b.password === 'string' && x.password === b.password);
  if (!u) return { status: 401, body: { code: 'UNAUTHORIZED', message: 'ユーザー名またはパスワードが違います', details: {} } };
  return { status: 200, body: { token: u.token, user: { id: u.id, role: u.role, name: u.name } } };
}

export type EmbeddedStack = Awaited<ReturnType<typeof startEmbeddedStack>>;
