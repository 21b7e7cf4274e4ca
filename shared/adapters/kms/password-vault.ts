/**
 * PasswordVault (W3): envelope encryption. Each `seal` call takes one fresh 256-bit data key, encrypts
 * every password with AES-256-GCM under it and stores the data key wrapped beside each one:
 * `v1.<wrapped key>.<iv>.<tag>.<ciphertext>` (base64url). `open` unwraps each distinct key once.
 * The wrapping key is KMS on AWS (GenerateDataKey / Decrypt with an encryption context) or, on one
 * machine, a 256-bit key file under the git-ignored state folder.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { PasswordVault } from '#use-cases/ports.ts';

export interface KeyWrapper {
  newKey(): Promise<{ plain: Buffer; wrapped: Buffer }>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

const CONTEXT = { purpose: 'kokona-account-kit' };

export class KmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async newKey() {
    const r = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }));
    return { plain: Buffer.from(r.Plaintext!), wrapped: Buffer.from(r.CiphertextBlob!) };
  }

  async unwrap(wrapped: Buffer) {
    const r = await this.kms.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: this.keyId, EncryptionContext: CONTEXT }));
    return Buffer.from(r.Plaintext!);
  }
}

export function makeKmsClient(region: string): KMSClient {
  return new KMSClient({ region, maxAttempts: 6, retryMode: 'standard' });
}

/** The local wrapping key: 32 random bytes in a 0600 file, created on first use. */
export class FileKeyWrapper implements KeyWrapper {
  private readonly key: Buffer;

  /** Without a path the key lives in memory only (tests, the simulator). */
  constructor(path?: string) {
    if (path === undefined) {
      this.key = randomBytes(32);
      return;
    }
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    this.key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (this.key.length !== 32) throw new Error(`${path} must hold a base64 256-bit key`);
  }

  async newKey() {
    const plain = randomBytes(32);
    return { plain, wrapped: Buffer.from(gcmSeal(this.key, plain), 'utf8') };
  }

  async unwrap(wrapped: Buffer) {
    return gcmOpen(this.key, wrapped.toString('utf8'));
  }
}

function gcmSeal(key: Buffer, plain: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return [iv, c.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
}

function gcmOpen(key: Buffer, sealed: string): Buffer {
  const [iv, tag, ct] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !ct) throw new Error('malformed sealed value');
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

export class EnvelopePasswordVault implements PasswordVault {
  constructor(private readonly wrapper: KeyWrapper) {}

  async seal(plains: readonly string[]): Promise<string[]> {
    if (plains.length === 0) return [];
    const { plain, wrapped } = await this.wrapper.newKey();
    const w = wrapped.toString('base64url');
    return plains.map((p) => `v1.${w}.${gcmSeal(plain, Buffer.from(p, 'utf8'))}`);
  }

  async open(sealed: readonly string[]): Promise<string[]> {
    const keys = new Map<string, Buffer>();
    const out: string[] = [];
    for (const s of sealed) {
      const parts = s.split('.');
      if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('malformed sealed password');
      const w = parts[1]!;
      let key = keys.get(w);
      if (!key) {
        key = await this.wrapper.unwrap(Buffer.from(w, 'base64url'));
        keys.set(w, key);
      }
      out.push(gcmOpen(key, parts.slice(2).join('.')).toString('utf8'));
    }
    return out;
  }
}
