/**
 * The local write-once archive (MONEY-IN A1): a folder under the git-ignored state directory, one
 * file per document, and `manifest.jsonl` (one line per document, with its SHA-256). A key that exists
 * is refused (ARCHIVE_WRITE_ONCE); files are created with the exclusive flag and made read-only.
 * Search (A2) reads the manifest.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '#domain/errors.ts';
import type { Archive, ArchivedDocument, ArchiveQuery } from '#use-cases/ports.ts';
import { matches, pageOf } from './search.ts';

export class LocalArchive implements Archive {
  private readonly manifest: string;
  constructor(
    private readonly dir: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {
    mkdirSync(join(dir, 'documents'), { recursive: true });
    this.manifest = join(dir, 'manifest.jsonl');
  }

  private entries(): ArchivedDocument[] {
    if (!existsSync(this.manifest)) return [];
    return readFileSync(this.manifest, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ArchivedDocument);
  }

  async put(doc: Omit<ArchivedDocument, 'sha256' | 'size' | 'archivedAt'>, body: Uint8Array): Promise<ArchivedDocument> {
    if (!/^[A-Za-z0-9._-]+$/.test(doc.key))
      throw new DomainError('VALIDATION_FAILED', `archive key ${doc.key} has characters a key may not have`, { key: doc.key });
    const file = join(this.dir, 'documents', doc.key);
    const stored: ArchivedDocument = {
      ...doc,
      sha256: createHash('sha256').update(body).digest('hex'),
      size: body.length,
      archivedAt: this.now(),
    };
    try {
      writeFileSync(file, body, { flag: 'wx' }); // exclusive: never overwrite
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw writeOnce(doc.key);
      throw e;
    }
    chmodSync(file, 0o444);
    appendFileSync(this.manifest, `${JSON.stringify(stored)}\n`);
    return stored;
  }

  async head(key: string): Promise<ArchivedDocument | null> {
    return this.entries().find((e) => e.key === key) ?? null;
  }

  async read(key: string): Promise<{ doc: ArchivedDocument; body: Uint8Array } | null> {
    const doc = await this.head(key);
    if (!doc) return null;
    return { doc, body: new Uint8Array(readFileSync(join(this.dir, 'documents', key))) };
  }

  async search(q: ArchiveQuery, page: { limit: number; next?: string }) {
    return pageOf(
      this.entries().filter((e) => matches(e, q)),
      page,
    );
  }
}

export const writeOnce = (key: string) =>
  new DomainError('ARCHIVE_WRITE_ONCE', `archive document ${key} exists and is never overwritten (write-once)`, { key });
