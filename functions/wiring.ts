/**
 * Builds the adapters of the ports from endpoints and names: used by every composition root
 * (functions/<name>/index.ts on Lambda) and by the embedded stack (infra/local), so both run the
 * same code against AWS or the local endpoints. The store and the queues; the archive and the desktop
 * side are in wiring-archive.ts and wiring-desktops.ts, so that a function imports only the AWS SDK
 * clients it calls (each client the runtime loads costs its cold start 20–130 ms: npm run bundle-report).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { validConfig, type Config } from '#domain/config.ts';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { DynamoAgenda, DynamoRunLog } from '#adapters/dynamodb/dynamo-agenda.ts';
import { DynamoAuditLog } from '#adapters/dynamodb/dynamo-audit-log.ts';
import { DynamoOutboxRepository } from '#adapters/dynamodb/dynamo-outbox-repository.ts';
import { DynamoOutageRepository } from '#adapters/dynamodb/dynamo-outage-repository.ts';
import { DynamoUnitRepository } from '#adapters/dynamodb/dynamo-unit-repository.ts';
import { DynamoDepositRepository, DynamoPayerRepository } from '#adapters/dynamodb/dynamo-money.ts';
import { DynamoAccountRepository, DynamoDriftStore, DynamoKitRepository } from '#adapters/dynamodb/dynamo-desktop-store.ts';
import { SqsQueue } from '#adapters/sqs/sqs-queue.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import type { OutboxPublisher, Queue } from '#use-cases/ports.ts';
import { loggedPublisher, type CaptureClient } from '#runtime/observability.ts';

export function configFrom(json: string): Config {
  let override: unknown;
  try {
    override = JSON.parse(json);
  } catch {
    throw new Error('CONFIG_JSON is not valid JSON');
  }
  return validConfig(override);
}

/**
 * `now` (ms): the time TTL retention is set and judged by — the wall clock on AWS (where DynamoDB
 * deletes by it), the stack's business clock locally (tests and the simulator run in other years).
 */
export function storeAdapters(db: DynamoDBDocumentClient, table: string, opts: { agendaShards?: number; now?: () => number } = {}) {
  return {
    units: new DynamoUnitRepository(db, table, opts.agendaShards, opts.now),
    agenda: new DynamoAgenda(db, table, opts.agendaShards, opts.now),
    runLog: new DynamoRunLog(db, table),
    outbox: new DynamoOutboxRepository(db, table, opts.now),
    outages: new DynamoOutageRepository(db, table),
    accounts: new DynamoAccountRepository(db, table, opts.now),
    kits: new DynamoKitRepository(db, table),
    audit: new DynamoAuditLog(db, table),
    drift: new DynamoDriftStore(db, table),
    payers: new DynamoPayerRepository(db, table),
    deposits: new DynamoDepositRepository(db, table),
  };
}

/**
 * The DynamoDB document client on AWS, its calls traced (X-Ray subsegments per call). `capture` is the
 * function's tracer: Powertools' (shared/runtime/tracing.ts) or the api's LightTracer.
 */
export function awsDocumentClient(capture: CaptureClient): DynamoDBDocumentClient {
  return capture(makeDocumentClient());
}

/** The store on AWS, its DynamoDB calls traced. */
export function awsStore(table: string, capture: CaptureClient, db: DynamoDBDocumentClient = awsDocumentClient(capture)) {
  return storeAdapters(db, table);
}

let sqs: SQSClient | undefined;
export function sqsQueue<T>(url: string, capture: CaptureClient): Queue<T> {
  sqs ??= capture(new SQSClient({ maxAttempts: 5 }));
  return new SqsQueue<T>(sqs, url);
}

/** The outbox publisher of a function on AWS: SQS mail and desktop queues, failures logged. */
export function awsPublisher(env: { MAIL_QUEUE_URL: string; DESKTOP_QUEUE_URL: string }, capture: CaptureClient): OutboxPublisher {
  return loggedPublisher(new QueueOutboxPublisher(sqsQueue(env.MAIL_QUEUE_URL, capture), sqsQueue(env.DESKTOP_QUEUE_URL, capture)));
}
