import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type RecordingStore,
  recordingKey,
  StoredChecksumMismatchError,
  StoredObjectNotFoundError,
  UnsatisfiableRangeError,
} from './recording-store';

/** A body that delivers `bytes` in `chunk`-byte pieces, then fails (a download cut off). */
export function failingBody(bytes: Buffer, chunk = 64 * 1024): Readable {
  async function* pieces() {
    for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
    throw new Error('connection reset by the provider');
  }
  return Readable.from(pieces());
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function bytesOf(body: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts);
}

export function freshKey(ext = 'wav'): string {
  return recordingKey({
    orgId: randomUUID(),
    callId: randomUUID(),
    recordingId: randomUUID(),
    createdAt: new Date(),
    ext,
  });
}

/**
 * What every RecordingStore driver promises, run against each of them (a real folder, a real
 * S3-compatible server). `store()` is read per test, after the suite's beforeAll made it.
 */
export function describeRecordingStoreBehaviour(store: () => RecordingStore, options: { largeBytes: number }): void {
  const small = Buffer.from(`RIFF${'x'.repeat(5000)}`);

  it('stores the exact bytes and reports their size, checksum and content type', async () => {
    const key = freshKey();
    const stored = await store().put(key, Readable.from([small]), { contentType: 'audio/wav', sha256: sha256(small) });
    expect(stored).toEqual({ key, bytes: small.length, sha256: sha256(small), contentType: 'audio/wav' });
    expect(await store().head(key)).toEqual(stored);
    const content = await store().get(key);
    expect(content).toMatchObject({ bytes: small.length, totalBytes: small.length, contentType: 'audio/wav' });
    expect((await bytesOf(content.body)).equals(small)).toBe(true);
  });

  it('streams a large object through in parts and proves it whole', async () => {
    const large = Buffer.alloc(options.largeBytes);
    for (let i = 0; i < large.length; i += 4096) large.writeUInt32LE(i, i);
    const key = freshKey();
    const stored = await store().put(key, chunkedBody(large), { contentType: 'audio/wav' });
    expect(stored).toMatchObject({ bytes: large.length, sha256: sha256(large) });
    expect(sha256(await bytesOf((await store().get(key)).body))).toBe(sha256(large));
  });

  it('serves inclusive byte ranges, open-ended ones, and refuses one past the end', async () => {
    const key = freshKey();
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    await store().put(key, Readable.from([bytes]), { contentType: 'audio/mpeg' });
    const range = await store().get(key, { start: 100, end: 199 });
    expect(range).toMatchObject({ bytes: 100, totalBytes: 1000, contentType: 'audio/mpeg' });
    expect((await bytesOf(range.body)).equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await store().get(key, { start: 990 });
    expect((await bytesOf(tail.body)).equals(bytes.subarray(990))).toBe(true);
    const clamped = await store().get(key, { start: 995, end: 5000 });
    expect(clamped.bytes).toBe(5);
    await expect(store().get(key, { start: 1000 })).rejects.toBeInstanceOf(UnsatisfiableRangeError);
  });

  it('leaves nothing at the key when the body fails midway', async () => {
    const key = freshKey();
    await expect(
      store().put(key, failingBody(Buffer.alloc(options.largeBytes / 2)), { contentType: 'audio/wav' }),
    ).rejects.toThrow('connection reset');
    expect(await store().head(key)).toBeNull();
    await expect(store().get(key)).rejects.toBeInstanceOf(StoredObjectNotFoundError);
  });

  it('keeps nothing whose bytes do not hash to the checksum the caller expects', async () => {
    const key = freshKey();
    const error = await store()
      .put(key, Readable.from([small]), { contentType: 'audio/wav', sha256: sha256(Buffer.from('other')) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoredChecksumMismatchError);
    expect(await store().head(key)).toBeNull();
  });

  it('stops and keeps nothing when the put is aborted', async () => {
    const key = freshKey();
    const abort = new AbortController();
    async function* slow() {
      yield Buffer.alloc(64 * 1024);
      abort.abort();
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.alloc(64 * 1024);
    }
    await expect(
      store().put(key, Readable.from(slow()), { contentType: 'audio/wav', signal: abort.signal }),
    ).rejects.toThrow();
    expect(await store().head(key)).toBeNull();
  });

  it('replaces an object put again under the same key', async () => {
    const key = freshKey();
    await store().put(key, Readable.from([Buffer.from('first')]), { contentType: 'audio/wav' });
    await store().put(key, Readable.from([small]), { contentType: 'audio/wav' });
    expect((await store().head(key))?.sha256).toBe(sha256(small));
  });

  it('deletes, and deleting again is not an error', async () => {
    const key = freshKey();
    await store().put(key, Readable.from([small]), { contentType: 'audio/wav' });
    await store().delete(key);
    expect(await store().head(key)).toBeNull();
    await expect(store().delete(key)).resolves.toBeUndefined();
  });

  it('presigns URLs of at most 15 minutes', async () => {
    const key = freshKey();
    const before = Date.now();
    const { url, expiresAt } = await store().presignGet(key, 900);
    expect(new URL(url).pathname).toContain(key.split('/').at(-1));
    expect(Date.parse(expiresAt) - before).toBeGreaterThan(898_000);
    expect(Date.parse(expiresAt) - before).toBeLessThanOrEqual(901_000);
    await expect(store().presignGet(key, 901)).rejects.toThrow();
    await expect(store().presignGet('../etc/passwd', 60)).rejects.toThrow();
  });

  it('answers the readiness check', async () => {
    await expect(store().check()).resolves.toBeUndefined();
  });

  it('has nothing at a key never put', async () => {
    expect(await store().head(freshKey())).toBeNull();
    await expect(store().get(freshKey())).rejects.toBeInstanceOf(StoredObjectNotFoundError);
  });
}

/** A body that yields `bytes` in 1 MiB pieces (as a socket would), and ends normally. */
function chunkedBody(bytes: Buffer): Readable {
  async function* pieces() {
    for (let at = 0; at < bytes.length; at += 1024 * 1024) yield bytes.subarray(at, at + 1024 * 1024);
  }
  return Readable.from(pieces());
}
