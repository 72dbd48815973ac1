// The storage port as agreed with recstore (see _notes/RECORDINGS.md); recstore's branch brings the
// drivers and replaces this file with the same interface.
export interface StoredObject {
  key: string;
  bytes: number;
  sha256: string;
  contentType: string;
}

export abstract class RecordingStore {
  abstract readonly driver: 's3' | 'local';
  /** Streams body to key; resolves only when the object is complete and its checksum verified. */
  abstract put(
    key: string,
    body: NodeJS.ReadableStream,
    meta: { contentType: string; sha256?: string; signal?: AbortSignal },
  ): Promise<StoredObject>;
  abstract head(key: string): Promise<StoredObject | null>;
  /** range: inclusive byte offsets, as HTTP Range. */
  abstract get(
    key: string,
    range?: { start: number; end?: number },
  ): Promise<{ body: NodeJS.ReadableStream; bytes: number; totalBytes: number; contentType: string }>;
  abstract delete(key: string): Promise<void>;
  /** A GET URL valid for ttlSeconds (<= 900): presigned S3, or (local) a signed URL the gateway serves. */
  abstract presignGet(key: string, ttlSeconds: number): Promise<{ url: string; expiresAt: string }>;
  /** Aborts multipart uploads (or removes partial local files) older than olderThanMs: no orphans after a crash. */
  abstract cleanupIncomplete(olderThanMs: number): Promise<number>;
  /** Throws when the store cannot be reached (readiness). */
  abstract check(): Promise<void>;
}

/** org/<orgId>/<yyyy>/<mm>/<dd>/<callId>/<recordingId>.<ext> */
export function recordingKey(r: {
  orgId: string;
  callId: string;
  recordingId: string;
  createdAt: Date;
  ext: string;
}): string {
  const d = r.createdAt;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `org/${r.orgId}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${r.callId}/${r.recordingId}.${r.ext}`;
}
