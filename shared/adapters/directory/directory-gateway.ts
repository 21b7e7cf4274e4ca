/**
 * DirectoryGateway on AWS Directory Service (W1):
 * - users through the Directory Service Data API (`ds-data`, REST-JSON: POST /Users/<Operation>?DirectoryId=…).
 *   `@aws-sdk/client-directory-service-data` is not on the npm registry these machines reach, so this
 *   file speaks that protocol itself: SigV4-signed with @smithy/signature-v4 and the SDK's default
 *   credential chain, retrying throttling and 5xx with jittered exponential back-off (like the SDK's
 *   standard mode). Errors carry the service's code (x-amzn-ErrorType) as `name`.
 * - initial passwords through ResetUserPassword of `@aws-sdk/client-directory-service` (awsJson1.1).
 */
import { createHash, createHmac, randomUUID, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { DirectoryServiceClient, ResetUserPasswordCommand, type DirectoryServiceClientConfig } from '@aws-sdk/client-directory-service';
import { SignatureV4 } from '@smithy/signature-v4';
import type { DirectoryGateway } from '#use-cases/ports.ts';

/** SHA-256 / HMAC-SHA-256 for the signer, on node:crypto (the SDK's own @smithy/hash-node does the same). */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

function bytes(d: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}

/** An error answered by a directory API, with its code as `name`. */
export class DirectoryServiceError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = name;
  }

  /** Like the SDK's service exceptions: this error was answered by the service (W5 classifies it). */
  get $metadata(): { readonly httpStatusCode: number } {
    return { httpStatusCode: this.status };
  }
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const RETRYABLE = new Set(['ThrottlingException', 'InternalServerException', 'DirectoryUnavailableException']);

export interface DirectoryClientOptions {
  readonly region: string;
  /** A local emulator (both APIs at one URL); AWS's endpoints when absent. */
  readonly endpoint?: string;
  readonly maxAttempts?: number;
  /** The test clock's in-process transport to the local emulator (infra/local/in-process-http.ts): the SDK client's handler… */
  readonly requestHandler?: DirectoryServiceClientConfig['requestHandler'];
  /** … and the Data API client's fetch. Sockets when absent. */
  readonly fetch?: typeof fetch;
}

function credentialsFor(opts: DirectoryClientOptions) {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!opts.endpoint) return defaultProvider();
  return async () => (accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : LOCAL_CREDENTIALS);
}

/** A minimal client of the Directory Service Data API (the operations W1 needs). */
export class DsDataClient {
  private readonly signer: SignatureV4;
  private readonly base: URL;
  private readonly maxAttempts: number;

  constructor(private readonly opts: DirectoryClientOptions) {
    this.base = new URL(opts.endpoint ?? `https://ds-data.${opts.region}.amazonaws.com`);
    this.signer = new SignatureV4({ service: 'ds-data', region: opts.region, credentials: credentialsFor(opts), sha256: Sha256 });
    this.maxAttempts = opts.maxAttempts ?? 6;
  }

  async send<T = Record<string, unknown>>(operation: string, directoryId: string, body: Record<string, unknown>): Promise<T> {
    const payload = JSON.stringify(body);
    const path = `${this.base.pathname.replace(/\/$/, '')}/Users/${operation}`;
    for (let attempt = 1; ; attempt++) {
      const signed = await this.signer.sign({
        method: 'POST',
        protocol: this.base.protocol,
        hostname: this.base.hostname,
        port: this.base.port ? Number(this.base.port) : undefined,
        path,
        query: { DirectoryId: directoryId },
        headers: { host: this.base.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
        body: payload,
      });
      let res: Response;
      try {
        res = await (this.opts.fetch ?? fetch)(`${this.base.origin}${path}?DirectoryId=${encodeURIComponent(directoryId)}`, {
          method: 'POST',
          headers: signed.headers,
          body: payload,
        });
      } catch (e) {
        if (attempt < this.maxAttempts) {
          await backoff(attempt);
          continue;
        }
        throw Object.assign(e as Error, { name: 'NetworkingError' });
      }
      const text = await res.text();
      if (res.ok) return (text ? JSON.parse(text) : {}) as T;
      const parsed = (() => {
        try {
          return JSON.parse(text) as { message?: string; Message?: string };
        } catch {
          return {};
        }
      })();
      const code = (res.headers.get('x-amzn-errortype') ?? `Http${res.status}`).split(':')[0]!;
      const err = new DirectoryServiceError(code, parsed.message ?? parsed.Message ?? text.slice(0, 200), res.status);
      if ((RETRYABLE.has(code) || res.status >= 500) && attempt < this.maxAttempts) {
        await backoff(attempt);
        continue;
      }
      throw err;
    }
  }
}

/** Full jitter: up to 100 ms × 2^attempt, at most 5 s. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(5000, 100 * 2 ** attempt)));

export function makeDirectoryServiceClient(opts: DirectoryClientOptions): DirectoryServiceClient {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  return new DirectoryServiceClient({
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? 6,
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

export class AwsDirectoryGateway implements DirectoryGateway {
  constructor(
    private readonly data: DsDataClient,
    private readonly ds: DirectoryServiceClient,
    private readonly directoryId: string,
  ) {}

  async createUser(userName: string, attributes: { givenName: string; surname: string }): Promise<boolean> {
    try {
      await this.data.send('CreateUser', this.directoryId, {
        SAMAccountName: userName,
        GivenName: attributes.givenName,
        Surname: attributes.surname,
        ClientToken: randomUUID(),
      });
      return true;
    } catch (e) {
      // W1: a user that already exists (a retry after a crash) is not an error.
      if ((e as Error).name === 'ConflictException' && (await this.describeUser(userName))) return false;
      throw e;
    }
  }

  async setPassword(userName: string, password: string): Promise<void> {
    try {
      await this.ds.send(new ResetUserPasswordCommand({ DirectoryId: this.directoryId, UserName: userName, NewPassword: password }));
    } catch (e) {
      const name = (e as Error).name;
      const answered = typeof e === 'object' && e !== null && '$metadata' in e ? { $metadata: e.$metadata } : {};
      throw Object.assign(new Error(`ResetUserPassword ${userName}: ${(e as Error).message}`), { name, ...answered });
    }
  }

  async deleteUser(userName: string): Promise<void> {
    try {
      await this.data.send('DeleteUser', this.directoryId, { SAMAccountName: userName, ClientToken: randomUUID() });
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    }
  }

  async describeUser(userName: string): Promise<{ userName: string; enabled: boolean } | null> {
    try {
      const r = await this.data.send<{ SAMAccountName?: string; Enabled?: boolean }>('DescribeUser', this.directoryId, {
        SAMAccountName: userName,
      });
      return { userName: r.SAMAccountName ?? userName, enabled: r.Enabled === true };
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return null;
      throw e;
    }
  }
}
