/**
 * Builds the adapters of the ports from endpoints and names: used by every composition root
 * (functions/<name>/index.ts on Lambda) and by the embedded stack (infra/local), so both run the
 * same code against AWS or the local endpoints.
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
import { DynamoAccountRepository, DynamoDriftStore, DynamoKitRepository } from '#adapters/dynamodb/dynamo-desktop-store.ts';
import { SqsQueue } from '#adapters/sqs/sqs-queue.ts';
import { makeWorkspacesClient } from '#adapters/workspaces/client.ts';
import { WorkspacesDesktopGateway } from '#adapters/workspaces/workspaces-desktop-gateway.ts';
import { AwsDirectoryGateway, DsDataClient, makeDirectoryServiceClient } from '#adapters/directory/directory-gateway.ts';
import { EnvelopePasswordVault, KmsKeyWrapper, makeKmsClient } from '#adapters/kms/password-vault.ts';
import type { Queue } from '#use-cases/ports.ts';

export function configFrom(json: string): Config {
  let override: unknown;
  try {
    override = JSON.parse(json);
  } catch {
    throw new Error('CONFIG_JSON is not valid JSON');
  }
  return validConfig(override);
}

export function storeAdapters(db: DynamoDBDocumentClient, table: string, opts: { agendaShards?: number } = {}) {
  return {
    units: new DynamoUnitRepository(db, table, opts.agendaShards),
    agenda: new DynamoAgenda(db, table, opts.agendaShards),
    runLog: new DynamoRunLog(db, table),
    outbox: new DynamoOutboxRepository(db, table),
    outages: new DynamoOutageRepository(db, table),
    accounts: new DynamoAccountRepository(db, table),
    kits: new DynamoKitRepository(db, table),
    audit: new DynamoAuditLog(db, table),
    drift: new DynamoDriftStore(db, table),
  };
}

export function awsStore(table: string) {
  return storeAdapters(makeDocumentClient(), table);
}

let sqs: SQSClient | undefined;
export function sqsQueue<T>(url: string): Queue<T> {
  sqs ??= new SQSClient({ maxAttempts: 5 });
  return new SqsQueue<T>(sqs, url);
}

/** The desktop side on AWS: WorkSpaces, the directory (Data API + ResetUserPassword) and the KMS-wrapped vault. */
export function awsDesktops(config: Config, kitKeyId: string) {
  const region = process.env.AWS_REGION ?? 'ap-northeast-1';
  return {
    desktops: new WorkspacesDesktopGateway(makeWorkspacesClient({ region }), { ...config.workspaces, desktops: config.desktops }),
    directory: new AwsDirectoryGateway(new DsDataClient({ region }), makeDirectoryServiceClient({ region }), config.workspaces.directoryId),
    vault: new EnvelopePasswordVault(new KmsKeyWrapper(makeKmsClient(region), kitKeyId)),
  };
}
