import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Sha256TapOptions {
  /** Fail the stream at its end, before the store completes the object, unless the bytes hash to this. */
  expectedSha256?: string;
  /** Also hash every `partSizeBytes` run of bytes on its own (to check an S3 composite checksum). */
  partSizeBytes?: number;
}

export class Sha256MismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the bytes hash to ${actual}, expected ${expected}`);
  }
}

/** Passes bytes through unchanged while hashing and counting them: what the store says it wrote. */
export class Sha256Tap extends Transform {
  private readonly hash = createHash('sha256');
  private digest: string | undefined;
  private part: Hash | undefined;
  private partBytes = 0;
  /** Raw SHA-256 of each part, in order (only with partSizeBytes). */
  readonly partDigests: Buffer[] = [];
  bytes = 0;

  constructor(private readonly options: Sha256TapOptions = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.options.partSizeBytes) this.hashParts(chunk, this.options.partSizeBytes);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    if (this.part) this.partDigests.push(this.part.digest());
    const expected = this.options.expectedSha256;
    callback(expected && expected !== this.digest ? new Sha256MismatchError(expected, this.digest) : undefined);
  }

  /** Lowercase hex SHA-256 of everything that went through; only after the end. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('the stream has not ended');
    return this.digest;
  }

  private hashParts(chunk: Buffer, partSize: number): void {
    let at = 0;
    while (at < chunk.length) {
      this.part ??= createHash('sha256');
      const take = Math.min(partSize - this.partBytes, chunk.length - at);
      this.part.update(chunk.subarray(at, at + take));
      this.partBytes += take;
      at += take;
      if (this.partBytes === partSize) {
        this.partDigests.push(this.part.digest());
        this.part = undefined;
        this.partBytes = 0;
      }
    }
  }
}

/**
 * The checksum S3 reports for an object: base64 SHA-256 of the bytes for a single PUT, or for a
 * multipart upload the SHA-256 of the parts' raw digests with `-<parts>` appended.
 */
export function s3Sha256Checksum(tap: Sha256Tap, multipart: boolean): string {
  if (!multipart) return Buffer.from(tap.sha256, 'hex').toString('base64');
  const composite = createHash('sha256').update(Buffer.concat(tap.partDigests)).digest('base64');
  return `${composite}-${tap.partDigests.length}`;
}
