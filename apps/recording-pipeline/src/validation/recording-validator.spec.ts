import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildWav } from '@callfleet/audio';
import { type RecordingExpectations, RecordingRejectedError, RecordingValidator } from './recording-validator';

const wav = buildWav({ sampleRate: 8000, channels: 1, bitsPerSample: 16, data: Buffer.alloc(10 * 16000, 7) });

/** Streams `bytes` in 1 KiB chunks through a validator into a sink; returns what the sink received. */
async function validate(bytes: Buffer, told: Partial<RecordingExpectations> = {}) {
  const validator = new RecordingValidator({ maxBytes: 10 * 1024 * 1024, ...told });
  const received: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      received.push(chunk);
      callback();
    },
  });
  const chunks = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, i) =>
    bytes.subarray(i * 1024, (i + 1) * 1024),
  );
  await pipeline(Readable.from(chunks), validator, sink);
  return { result: validator.result, received: Buffer.concat(received) };
}

async function rejection(bytes: Buffer, told: Partial<RecordingExpectations> = {}) {
  const error = await validate(bytes, told).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecordingRejectedError);
  return error as RecordingRejectedError;
}

describe('the recording validator', () => {
  it('passes the bytes through unchanged and proves size, checksum, format and duration', async () => {
    const { result, received } = await validate(wav, { declaredBytes: wav.length, declaredDurationSeconds: 10 });
    expect(received.equals(wav)).toBe(true);
    expect(result).toEqual({
      bytes: wav.length,
      sha256: createHash('sha256').update(wav).digest('hex'),
      format: 'wav',
      contentType: 'audio/wav',
      durationSeconds: 10,
    });
  });

  it('refuses a body shorter than its Content-Length as truncated, and retryable', async () => {
    const error = await rejection(wav.subarray(0, wav.length - 100), { declaredBytes: wav.length });
    expect(error).toMatchObject({ reason: 'truncated', retryable: true });
  });

  it('refuses audio cut short even without a Content-Length (chunked download)', async () => {
    expect((await rejection(wav.subarray(0, wav.length - 100))).reason).toBe('truncated');
  });

  it('refuses a body longer than its Content-Length', async () => {
    expect((await rejection(wav, { declaredBytes: wav.length - 1 })).reason).toBe('length-mismatch');
  });

  it('stops reading a recording over the maximum size as soon as it passes it', async () => {
    const error = await rejection(wav, { maxBytes: 50_000 });
    expect(error).toMatchObject({ reason: 'too-large', retryable: false });
  });

  it('refuses what is not audio (an error page served with 200)', async () => {
    const page = Buffer.from('<html><body>Too many requests</body></html>');
    expect((await rejection(page)).reason).toBe('bad-format');
  });

  it('refuses a duration other than the provider says, beyond the rounding allowance', async () => {
    expect((await rejection(wav, { declaredDurationSeconds: 20 })).reason).toBe('duration-mismatch');
    await expect(validate(wav, { declaredDurationSeconds: 11 })).resolves.toBeDefined();
    expect((await rejection(wav, { declaredDurationSeconds: 11, durationToleranceSeconds: 0.5 })).reason).toBe(
      'duration-mismatch',
    );
  });

  it('has no result until the stream ended cleanly', () => {
    expect(() => new RecordingValidator({ maxBytes: 1 }).result).toThrow();
  });
});
