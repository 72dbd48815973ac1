import { randomUUID } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  assertObjectKey,
  assertPresignTtl,
  type ObjectContent,
  type ObjectRange,
  type PutOptions,
  RecordingStore,
  resolveRange,
  StoredChecksumMismatchError,
  type StoredObject,
  StoredObjectNotFoundError,
} from './recording-store';
import { Sha256MismatchError, Sha256Tap } from './sha256-tap';
import { signedObjectUrl } from './signed-object-url';

export interface LocalStoreOptions {
  /** The folder objects live under (`.data/recordings` by default). */
  root: string;
  /** Base of the signed URLs presignGet makes: the route that serves them (see signed-object-url). */
  urlBase: string;
  urlSecret: string;
  now?: () => number;
}

// Sidecars and partial files start with a dot: recordingKey never makes such a name, so they can
// never be mistaken for (or collide with) an object.
const PARTIAL_SUFFIX = '.partial';
const sidecarPath = (path: string) => join(dirname(path), `.${basename(path)}.meta`);
const partialPrefix = (path: string) => `.${basename(path)}.`;

/**
 * Objects as files under a folder, for development and single-host installs. A put writes a hidden
 * temporary file, fsyncs it, checks its checksum and only then renames it onto the key, so no
 * partial file is ever at a key; its SHA-256 and content type are kept in a hidden sidecar.
 */
export class LocalRecordingStore extends RecordingStore {
  readonly driver = 'local' as const;
  private readonly now: () => number;

  constructor(private readonly options: LocalStoreOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  private pathOf(key: string): string {
    assertObjectKey(key);
    return join(this.options.root, ...key.split('/'));
  }

  async put(key: string, body: NodeJS.ReadableStream, meta: PutOptions): Promise<StoredObject> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    await this.removePartials(dir, partialPrefix(path));
    const partial = join(dir, `${partialPrefix(path)}${randomUUID()}${PARTIAL_SUFFIX}`);
    const tap = new Sha256Tap({ expectedSha256: meta.sha256 });
    try {
      // flush: the file is fsynced before it is closed, so what is renamed onto the key is on the disk.
      await pipeline(body, tap, createWriteStream(partial, { flags: 'wx', flush: true }), { signal: meta.signal });
      if (meta.sha256 && meta.sha256 !== tap.sha256)
        throw new StoredChecksumMismatchError(key, meta.sha256, tap.sha256);
      const stored: StoredObject = { key, bytes: tap.bytes, sha256: tap.sha256, contentType: meta.contentType };
      await writeDurably(`${partial}.meta`, JSON.stringify(stored));
      await rename(`${partial}.meta`, sidecarPath(path));
      await rename(partial, path);
      await syncDirectory(dir);
      return stored;
    } catch (error) {
      await rm(partial, { force: true });
      await rm(`${partial}.meta`, { force: true });
      if (error instanceof Sha256MismatchError)
        throw new StoredChecksumMismatchError(key, error.expected, error.actual);
      throw error;
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key);
    try {
      const [file, sidecar] = await Promise.all([stat(path), readFile(sidecarPath(path), 'utf8')]);
      const stored = JSON.parse(sidecar) as StoredObject;
      // The sidecar is renamed in before the file: a crash between the two leaves an older file under a newer sidecar.
      return stored.bytes === file.size ? stored : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async get(key: string, range?: ObjectRange): Promise<ObjectContent> {
    const stored = await this.head(key);
    if (!stored) throw new StoredObjectNotFoundError(key);
    const { start, end } = resolveRange(range, stored.bytes);
    const body = createReadStream(this.pathOf(key), { start, end: Math.max(end, start) });
    return { body, bytes: end - start + 1, totalBytes: stored.bytes, contentType: stored.contentType };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(sidecarPath(path), { force: true });
  }

  async presignGet(key: string, ttlSeconds: number): Promise<{ url: string; expiresAt: string }> {
    assertObjectKey(key);
    assertPresignTtl(ttlSeconds);
    const expiresUnix = Math.floor(this.now() / 1000) + ttlSeconds;
    return {
      url: signedObjectUrl(this.options.urlBase, key, expiresUnix, this.options.urlSecret),
      expiresAt: new Date(expiresUnix * 1000).toISOString(),
    };
  }

  async cleanupIncomplete(olderThanMs: number): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    let removed = 0;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (isPartial(entry.name) && (await stat(path)).mtimeMs < cutoff) {
          await rm(path, { force: true });
          removed++;
        }
      }
    };
    await walk(this.options.root);
    return removed;
  }

  async check(): Promise<void> {
    await mkdir(this.options.root, { recursive: true });
    await access(this.options.root, constants.W_OK);
  }

  private async removePartials(dir: string, prefix: string): Promise<void> {
    for (const name of await readdir(dir)) {
      if (name.startsWith(prefix) && isPartial(name)) await rm(join(dir, name), { force: true });
    }
  }
}

function isPartial(name: string): boolean {
  return name.startsWith('.') && (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(`${PARTIAL_SUFFIX}.meta`));
}

async function writeDurably(path: string, text: string): Promise<void> {
  await writeFile(path, text, { flag: 'wx' });
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/** After a rename, the directory entry itself must reach the disk for the file to survive a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
