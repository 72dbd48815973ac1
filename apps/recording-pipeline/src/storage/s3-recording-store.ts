import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type MultipartUpload,
  PutObjectTaggingCommand,
  S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
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
import { Sha256MismatchError, Sha256Tap, s3Sha256Checksum } from './sha256-tap';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** For anything but AWS (Wasabi, MinIO, R2, s3rver); unset for AWS. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`): MinIO and most self-hosted servers need it. */
  forcePathStyle: boolean;
  /** Unset: the SDK's default chain (environment, profile, instance or pod role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  serverSideEncryption?: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
  /** Bytes per multipart part (at least 5 MiB); also the most one upload holds in memory per queue slot. */
  partSizeBytes: number;
  /** Parts in flight at once. */
  queueSize: number;
  now?: () => number;
}

// The object's full SHA-256 is kept as a tag: it is known only once the last byte has gone, after
// S3 fixed the object's metadata. An object without it is one whose put never finished verifying.
const SHA256_TAG = 'sha256';

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Recordings in an S3-compatible bucket. A put streams through lib-storage's multipart upload (never
 * more than partSize × queueSize bytes in memory), sends a SHA-256 per part for the server to check,
 * then reads back what the server holds (size, and its SHA-256 checksum where the server keeps one)
 * and compares it with the bytes that went out before it tags the object as verified.
 */
export class S3RecordingStore extends RecordingStore {
  readonly driver = 's3' as const;
  readonly client: S3Client;
  private readonly now: () => number;

  constructor(private readonly options: S3StoreOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Our own SHA-256 per part is the checksum; the SDK's default CRC32 on top would be a second pass.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: NodeJS.ReadableStream, meta: PutOptions): Promise<StoredObject> {
    assertObjectKey(key);
    await this.abortUploads((upload) => upload.Key === key, key);
    const tap = new Sha256Tap({ expectedSha256: meta.sha256, partSizeBytes: this.options.partSizeBytes });
    const source = body as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
    // lib-storage reads the tap; a failing body (a validator's rejection) fails the tap, which fails
    // the upload, and lib-storage aborts its multipart upload.
    source.on('error', (error: Error) => tap.destroy(error));
    source.pipe(tap);
    const abort = new AbortController();
    const onAbort = () => {
      abort.abort(meta.signal?.reason);
      tap.destroy(new Error('the put was aborted'));
    };
    if (meta.signal?.aborted) onAbort();
    meta.signal?.addEventListener('abort', onAbort, { once: true });
    const upload = new Upload({
      client: this.client,
      queueSize: this.options.queueSize,
      partSize: this.options.partSizeBytes,
      leavePartsOnError: false,
      abortController: abort,
      params: {
        Bucket: this.options.bucket,
        Key: key,
        Body: tap,
        ContentType: meta.contentType,
        ChecksumAlgorithm: 'SHA256',
        ServerSideEncryption: this.options.serverSideEncryption as ServerSideEncryption | undefined,
        SSEKMSKeyId: this.options.kmsKeyId,
      },
    });
    try {
      await upload.done();
      await this.verify(key, tap);
      await this.client.send(
        new PutObjectTaggingCommand({
          Bucket: this.options.bucket,
          Key: key,
          Tagging: { TagSet: [{ Key: SHA256_TAG, Value: tap.sha256 }] },
        }),
      );
      return { key, bytes: tap.bytes, sha256: tap.sha256, contentType: meta.contentType };
    } catch (error) {
      source.destroy?.();
      tap.destroy();
      if (error instanceof Sha256MismatchError)
        throw new StoredChecksumMismatchError(key, error.expected, error.actual);
      throw error;
    } finally {
      meta.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The server holds the bytes that went out, or the object is removed and the put fails. */
  private async verify(key: string, tap: Sha256Tap): Promise<void> {
    const head = await this.client.send(
      new HeadObjectCommand({ Bucket: this.options.bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    const reported = head.ChecksumSHA256;
    // A multipart object's checksum is the composite one, `<base64>-<parts>`.
    const expected = s3Sha256Checksum(tap, reported?.includes('-') ?? false);
    const problem =
      head.ContentLength !== tap.bytes
        ? `${head.ContentLength} bytes stored, ${tap.bytes} sent`
        : reported && reported !== expected
          ? `checksum ${reported} stored, ${expected} sent`
          : undefined;
    if (problem) {
      await this.delete(key);
      throw new StoredChecksumMismatchError(key, expected, `${reported ?? 'none'} (${problem})`);
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    assertObjectKey(key);
    try {
      const [head, tagging] = await Promise.all([
        this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key })),
        this.client.send(new GetObjectTaggingCommand({ Bucket: this.options.bucket, Key: key })),
      ]);
      const sha256 = tagging.TagSet?.find((tag) => tag.Key === SHA256_TAG)?.Value;
      if (!sha256) return null;
      return {
        key,
        bytes: head.ContentLength ?? 0,
        sha256,
        contentType: head.ContentType ?? 'application/octet-stream',
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async get(key: string, range?: ObjectRange): Promise<ObjectContent> {
    const stored = await this.head(key);
    if (!stored) throw new StoredObjectNotFoundError(key);
    const { start, end } = resolveRange(range, stored.bytes);
    const object = await this.client
      .send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Range: range ? `bytes=${start}-${end}` : undefined,
        }),
      )
      .catch((error: unknown) => {
        throw isNotFound(error) ? new StoredObjectNotFoundError(key) : error;
      });
    return {
      body: object.Body as NodeJS.ReadableStream,
      bytes: end - start + 1,
      totalBytes: stored.bytes,
      contentType: stored.contentType,
    };
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  async presignGet(key: string, ttlSeconds: number): Promise<{ url: string; expiresAt: string }> {
    assertObjectKey(key);
    assertPresignTtl(ttlSeconds);
    const signedAt = new Date(Math.floor(this.now() / 1000) * 1000);
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
      expiresIn: ttlSeconds,
      signingDate: signedAt,
    });
    return { url, expiresAt: new Date(signedAt.getTime() + ttlSeconds * 1000).toISOString() };
  }

  async cleanupIncomplete(olderThanMs: number): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    return this.abortUploads((upload) => (upload.Initiated?.getTime() ?? 0) < cutoff);
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
  }

  /** Aborts the bucket's incomplete multipart uploads that `which` picks; how many. */
  private async abortUploads(which: (upload: MultipartUpload) => boolean, prefix?: string): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.options.bucket,
          Prefix: prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!which(upload)) continue;
        await this.client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: this.options.bucket,
              Key: upload.Key,
              UploadId: upload.UploadId,
            }),
          )
          .catch((error: unknown) => {
            // Completed or aborted meanwhile by whoever owned it: nothing left to remove.
            if (!isNotFound(error)) throw error;
          });
        aborted++;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }
}
