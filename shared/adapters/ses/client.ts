import { SESClient, type SESClientConfig } from '@aws-sdk/client-ses';

/**
 * An SES (v1 API) client. With `endpoint` (the local mail sink) it signs with dummy
 * credentials — alphanumeric, as local emulators expect — so no AWS profile is needed;
 * without it the default credential chain and the regional endpoint apply.
 */
export function makeSesClient(opts: {
  readonly endpoint?: string;
  readonly region: string;
  /** The test clock's in-process transport to the local sink (infra/local/in-process-http.ts); a socket when absent. */
  readonly requestHandler?: SESClientConfig['requestHandler'];
}): SESClient {
  return new SESClient({
    region: opts.region,
    maxAttempts: 5,
    ...(opts.requestHandler ? { requestHandler: opts.requestHandler } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
