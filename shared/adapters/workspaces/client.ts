import { WorkSpacesClient, type WorkSpacesClientConfig } from '@aws-sdk/client-workspaces';

/** Signing credentials for a local endpoint when the environment has none (access keys must be alphanumeric). */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The WorkSpaces client of the desktop gateway. Throttling and transient errors are retried by the
 * SDK (standard mode: exponential backoff with jitter, up to 6 attempts). `endpoint` points at the
 * local emulator; credentials then come from the environment or fixed dummy ones. Without it, the
 * default provider chain applies (the function's role on AWS).
 */
export function makeWorkspacesClient(opts: {
  endpoint?: string;
  region: string;
  /** The test clock's in-process transport to the local emulator (infra/local/in-process-http.ts); a socket when absent. */
  requestHandler?: WorkSpacesClientConfig['requestHandler'];
}): WorkSpacesClient {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  return new WorkSpacesClient({
    region: opts.region,
    maxAttempts: 6,
    retryMode: 'standard',
    ...(opts.requestHandler ? { requestHandler: opts.requestHandler } : {}),
    ...(opts.endpoint
      ? {
          endpoint: opts.endpoint,
          credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : LOCAL_CREDENTIALS,
        }
      : {}),
  });
}
