import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type AudioFormat, AudioStreamError, AudioStreamProbe } from '@callfleet/audio';
import type { RecordingRejectionReason } from '@callfleet/contracts';

/** What the provider told us about the recording before its bytes arrived. */
export interface RecordingExpectations {
  /** The response's Content-Length; undefined for a chunked response. */
  declaredBytes?: number;
  /** Larger recordings are refused as they stream (the rest is never read). */
  maxBytes: number;
  /** The provider's duration, when it gives one. */
  declaredDurationSeconds?: number;
  /** Providers round durations to whole seconds; the default allows 1 s or 2 %, whichever is more. */
  durationToleranceSeconds?: number;
}

/** What the bytes proved to be, once they all went through. */
export interface ValidatedRecording {
  bytes: number;
  /** Lowercase hex SHA-256 of every byte. */
  sha256: string;
  format: AudioFormat;
  contentType: string;
  durationSeconds: number;
}

export class RecordingRejectedError extends Error {
  constructor(
    readonly reason: RecordingRejectionReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
  }

  /** A short or overlong body is a broken transfer, worth downloading again; the others are the file itself. */
  get retryable(): boolean {
    return isRetryableRejection(this.reason);
  }
}

export function isRetryableRejection(reason: RecordingRejectionReason): boolean {
  return reason === 'truncated' || reason === 'length-mismatch';
}

export function durationTolerance(declaredSeconds: number, configured?: number): number {
  return configured ?? Math.max(1, declaredSeconds * 0.02);
}

/**
 * A pass-through stage between the download and the store: it counts, hashes and reads the audio as
 * the bytes go by, and fails the stream with a RecordingRejectedError the moment they cannot be the
 * recording (too many bytes, not audio) or, at the end, when they were not all of it (short of the
 * Content-Length, audio cut off, wrong duration). Because the failure arrives before the stream ends,
 * a store reading from it never completes the object.
 */
export class RecordingValidator extends Transform {
  private readonly hash = createHash('sha256');
  private readonly probe = new AudioStreamProbe();
  private received = 0;
  private validated: ValidatedRecording | undefined;

  constructor(private readonly expect: RecordingExpectations) {
    super();
  }

  /** The proven facts; only after the stream ended without error. */
  get result(): ValidatedRecording {
    if (!this.validated) throw new Error('the recording has not been validated (the stream did not end cleanly)');
    return this.validated;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const rejection = this.account(chunk);
    if (rejection) callback(rejection);
    else callback(null, chunk);
  }

  /** Accounts for one chunk; the reason to fail the stream, if any. */
  private account(chunk: Buffer): Error | undefined {
    this.received += chunk.length;
    const { maxBytes, declaredBytes } = this.expect;
    if (this.received > maxBytes) {
      return new RecordingRejectedError('too-large', `more than the maximum of ${maxBytes} bytes`);
    }
    if (declaredBytes !== undefined && this.received > declaredBytes) {
      return new RecordingRejectedError('length-mismatch', `more than the declared ${declaredBytes} bytes`);
    }
    try {
      this.probe.push(chunk);
    } catch (error) {
      return asRejection(error);
    }
    this.hash.update(chunk);
    return undefined;
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.validated = this.finish();
      callback();
    } catch (error) {
      callback(asRejection(error));
    }
  }

  private finish(): ValidatedRecording {
    const { declaredBytes, declaredDurationSeconds } = this.expect;
    if (declaredBytes !== undefined && this.received < declaredBytes) {
      throw new RecordingRejectedError('truncated', `${this.received} of the declared ${declaredBytes} bytes`);
    }
    const audio = this.probe.end();
    if (declaredDurationSeconds !== undefined) {
      const tolerance = durationTolerance(declaredDurationSeconds, this.expect.durationToleranceSeconds);
      if (Math.abs(audio.durationSeconds - declaredDurationSeconds) > tolerance) {
        throw new RecordingRejectedError(
          'duration-mismatch',
          `the audio lasts ${audio.durationSeconds.toFixed(2)} s, the provider says ${declaredDurationSeconds} s`,
        );
      }
    }
    return { bytes: this.received, sha256: this.hash.digest('hex'), ...audio };
  }
}

function asRejection(error: unknown): Error {
  if (error instanceof AudioStreamError) return new RecordingRejectedError(error.kind, error.message);
  return error as Error;
}
