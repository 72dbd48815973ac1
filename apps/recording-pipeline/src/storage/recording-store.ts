/** An object in the recording store, as the store itself reports it. */
export interface StoredObject {
  key: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the object's bytes. */
  sha256: string;
  contentType: string;
}

export interface PutOptions {
  contentType: string;
  /** When given, the upload fails (and leaves nothing at the key) unless the bytes hash to it. */
  sha256?: string;
  signal?: AbortSignal;
}

export interface ObjectRange {
  /** Inclusive byte offsets, as in HTTP Range; no end means to the last byte. */
  start: number;
  end?: number;
}

export interface ObjectContent {
  body: NodeJS.ReadableStream;
  /** Bytes in `body` (the range's length). */
  bytes: number;
  /** Bytes in the whole object (for Content-Range). */
  totalBytes: number;
  contentType: string;
}

/** A presigned URL may live at most 15 minutes (the limit for recording links). */
export const MAX_PRESIGN_TTL_SECONDS = 900;

export class StoredObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no object at ${key}`);
  }
}

/** The store holds other bytes than were sent: the object was not kept. */
export class StoredChecksumMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`checksum of ${key} is ${actual}, expected ${expected}`);
  }
}

/** The requested range starts past the end of the object (HTTP 416). */
export class UnsatisfiableRangeError extends Error {
  constructor(readonly totalBytes: number) {
    super(`range not satisfiable (the object has ${totalBytes} bytes)`);
  }
}

/**
 * Where recording bytes live: S3-compatible storage in production, a local folder for `npm start`.
 * The Nest injection token is this class.
 */
export abstract class RecordingStore {
  abstract readonly driver: 's3' | 'local';
  /**
   * Streams body to key; resolves only when the object is complete and its checksum verified. A
   * failing body (a validator rejecting it), an abort or a checksum mismatch leave nothing at the key,
   * and a put replaces what an earlier, interrupted put of the same key left behind.
   */
  abstract put(key: string, body: NodeJS.ReadableStream, meta: PutOptions): Promise<StoredObject>;
  abstract head(key: string): Promise<StoredObject | null>;
  /** range: inclusive byte offsets, as HTTP Range. Throws StoredObjectNotFoundError, UnsatisfiableRangeError. */
  abstract get(key: string, range?: ObjectRange): Promise<ObjectContent>;
  /** Removes the object; deleting what is not there is not an error. */
  abstract delete(key: string): Promise<void>;
  /** A GET URL valid for ttlSeconds (<= 900): presigned S3, or (local) a signed URL the gateway serves. */
  abstract presignGet(key: string, ttlSeconds: number): Promise<{ url: string; expiresAt: string }>;
  /** Aborts multipart uploads (or removes partial local files) older than olderThanMs: no orphans after a crash. Returns how many. */
  abstract cleanupIncomplete(olderThanMs: number): Promise<number>;
  /** Throws when the store cannot be reached (readiness). */
  abstract check(): Promise<void>;
}

const KEY_PART = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const EXTENSION = /^[a-z0-9]{1,8}$/;

/** org/<orgId>/<yyyy>/<mm>/<dd>/<callId>/<recordingId>.<ext>, the date in UTC. */
export function recordingKey(r: {
  orgId: string;
  callId: string;
  recordingId: string;
  createdAt: Date;
  ext: string;
}): string {
  for (const [name, value] of Object.entries({ orgId: r.orgId, callId: r.callId, recordingId: r.recordingId })) {
    if (!KEY_PART.test(value)) throw new Error(`${name} cannot be part of an object key: ${JSON.stringify(value)}`);
  }
  if (!EXTENSION.test(r.ext)) throw new Error(`not a file extension: ${JSON.stringify(r.ext)}`);
  if (Number.isNaN(r.createdAt.getTime())) throw new Error('createdAt is not a date');
  const yyyy = String(r.createdAt.getUTCFullYear()).padStart(4, '0');
  const mm = String(r.createdAt.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(r.createdAt.getUTCDate()).padStart(2, '0');
  return `org/${r.orgId}/${yyyy}/${mm}/${dd}/${r.callId}/${r.recordingId}.${r.ext}`;
}

/**
 * Keys are made by recordingKey; anything else (`..`, a leading slash, odd characters) is refused
 * before it reaches a path or a URL.
 */
export function assertObjectKey(key: string): void {
  const parts = key.split('/');
  if (key.length > 1024 || parts.some((part) => !KEY_PART.test(part) || part === '.' || part === '..')) {
    throw new Error(`not an object key: ${JSON.stringify(key)}`);
  }
}

export function assertPresignTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESIGN_TTL_SECONDS) {
    throw new Error(`a URL lives 1 to ${MAX_PRESIGN_TTL_SECONDS} seconds, not ${ttlSeconds}`);
  }
}

/** The first and last byte of a range within an object of totalBytes, clamped as HTTP does. */
export function resolveRange(range: ObjectRange | undefined, totalBytes: number): { start: number; end: number } {
  if (!range) return { start: 0, end: totalBytes - 1 };
  if (!Number.isInteger(range.start) || range.start < 0 || (range.end !== undefined && range.end < range.start)) {
    throw new Error(`not a byte range: ${JSON.stringify(range)}`);
  }
  if (range.start >= totalBytes) throw new UnsatisfiableRangeError(totalBytes);
  return { start: range.start, end: Math.min(range.end ?? totalBytes - 1, totalBytes - 1) };
}
