/**
 * Run by light-tracer.test.ts in a child process whose environment is Lambda's (the X-Ray SDK reads it
 * at import): one handler, traced by Powertools' Tracer (`powertools`, as every function but the api)
 * or by the LightTracer (`light`, as the api), makes the same AWS SDK calls against the test's endpoint
 * once per trace header given, as Lambda invokes it (process.env._X_AMZN_TRACE_ID set per invocation).
 * argv: mode, endpoint, JSON list of { header, fail }.
 */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { observedWith, TRACE_SERVICE_NAME, type CaptureClient } from '#runtime/observability.ts';
import { LightTracer } from '#runtime/light-tracer.ts';

const [mode, endpoint, invocations] = process.argv.slice(2) as [string, string, string];
const light = new LightTracer({ serviceName: TRACE_SERVICE_NAME });
const tracing = mode === 'powertools' ? await import('#runtime/tracing.ts') : undefined;
const capture: CaptureClient = tracing ? tracing.capture : light.captureAWSv3Client;

const common = { endpoint, region: 'ap-northeast-1', maxAttempts: 2, credentials: { accessKeyId: 'AKIDPROBE', secretAccessKey: 'probe' } };
const db = capture(DynamoDBDocumentClient.from(new DynamoDBClient(common)));
const sqs = capture(new SQSClient(common));
const s3 = capture(new S3Client({ ...common, forcePathStyle: true }));

const failing = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.name,
  );

interface Event {
  readonly fail: boolean;
}
const calls = async (event: Event) => {
  await db.send(new GetCommand({ TableName: 'kokona', Key: { pk: 'UNIT#1', sk: 'UNIT' }, ConsistentRead: true }));
  if (event.fail) throw new TypeError('the handler failed');
  await db.send(
    new QueryCommand({
      TableName: 'kokona',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': 'x' },
      Limit: 5,
    }),
  );
  await db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'kokona', Item: { pk: 'a', sk: 'b' } } }] }));
  await db.send(new BatchWriteCommand({ RequestItems: { kokona: [{ PutRequest: { Item: { pk: 'a', sk: 'c' } } }] } }));
  const outcomes = [
    await failing(
      db.send(new PutCommand({ TableName: 'conditional', Item: { pk: 'a', sk: 'd' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ),
    await failing(db.send(new GetCommand({ TableName: 'throttled', Key: { pk: 'a', sk: 'e' } }))),
    await failing(db.send(new GetCommand({ TableName: 'broken', Key: { pk: 'a', sk: 'f' } }))),
  ];
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: `${endpoint}/123456789012/mail`, Entries: [{ Id: '1', MessageBody: 'x' }] }));
  await s3.send(new PutObjectCommand({ Bucket: 'archive', Key: 'invoices/2026/INV-1.pdf', Body: 'pdf' }));
  return { statusCode: 200, body: outcomes.join(',') };
};

const inner = middy<Event, { statusCode: number; body: string }>().handler(calls);
const handler = tracing ? tracing.observed(inner) : light.traced(observedWith(inner));

const out: string[] = [];
for (const { header, fail } of JSON.parse(invocations) as { header: string; fail: boolean }[]) {
  process.env._X_AMZN_TRACE_ID = header;
  const context = { functionName: 'probe', awsRequestId: `req-${out.length}`, getRemainingTimeInMillis: () => 30_000 } as never;
  out.push(
    await handler({ fail }, context).then(
      (r) => r.body,
      (e: Error) => `threw ${e.name}`,
    ),
  );
}
// The SDK sends on its own sockets without a callback we can wait for: give the datagrams a moment.
await new Promise((r) => setTimeout(r, 200));
// The last line (Metrics writes its EMF lines to stdout before it).
process.stdout.write(`\n${JSON.stringify(out)}\n`);
process.exit(0);
