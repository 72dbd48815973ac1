import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while hashing and counting them: what the store says it wrote. */
export class Sha256Tap extends Transform {
  private readonly hash = createHash('sha256');
  private digest: string | undefined;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Lowercase hex SHA-256 of everything that went through; only after the end. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('the stream has not ended');
    return this.digest;
  }
}
