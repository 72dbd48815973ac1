import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Sha256TapOptions {
  /** Fail the stream at its end, before the store completes the object, unless the bytes hash to this. */
  expectedSha256?: string;
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
  bytes = 0;

  constructor(private readonly options: Sha256TapOptions = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    const expected = this.options.expectedSha256;
    callback(expected && expected !== this.digest ? new Sha256MismatchError(expected, this.digest) : undefined);
  }

  /** Lowercase hex SHA-256 of everything that went through; only after the end. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('the stream has not ended');
    return this.digest;
  }
}

/**
 * `body` as a Sha256Tap: itself when it already is one (a RecordingValidator hashes every byte it
 * passes on, so hashing them again would only cost a pass over the recording), or piped into a new
 * tap, which fails when the body fails. An expected checksum always gets a tap of its own.
 */
export function hashedBody(body: NodeJS.ReadableStream, expectedSha256?: string): Sha256Tap {
  if (body instanceof Sha256Tap && !expectedSha256) return body;
  const tap = new Sha256Tap({ expectedSha256 });
  body.on('error', (error: Error) => tap.destroy(error));
  body.pipe(tap);
  return tap;
}

/**
 * The checksum S3 reports for a multipart object: the SHA-256 of the parts' raw SHA-256 digests, in
 * part order, with `-<parts>` appended. `partChecksums` are the base64 values sent with each part.
 */
export function s3CompositeSha256(partChecksums: readonly string[]): string {
  const digests = Buffer.concat(partChecksums.map((c) => Buffer.from(c, 'base64')));
  return `${createHash('sha256').update(digests).digest('base64')}-${partChecksums.length}`;
}
