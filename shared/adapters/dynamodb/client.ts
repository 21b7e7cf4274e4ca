import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryThrottles, type ThrottleRetryOptions } from './throttle.ts';

/**
 * The document client used by every DynamoDB adapter; `endpoint` points at DynamoDB Local. Throttled
 * requests (transactions included) are retried with jittered back-off and end as StoreThrottledError,
 * never as a conflict (throttle.ts).
 */
export function makeDocumentClient(
  opts: { endpoint?: string; region?: string; throttle?: ThrottleRetryOptions } = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: opts.region ?? process.env.AWS_REGION ?? 'ap-northeast-1',
    maxAttempts: 3, // the SDK's own retries (network, 5xx, throttles); throttles then get throttle.ts's jittered back-off
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  retryThrottles(doc, opts.throttle);
  return doc;
}
