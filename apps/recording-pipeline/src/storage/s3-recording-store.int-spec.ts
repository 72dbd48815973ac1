import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { buildWav } from '@callfleet/audio';
import { TestS3Server } from '@callfleet/testing';
import { describeRecordingStoreBehaviour, failingBody, freshKey, sha256 } from '../../test/recording-store.behaviour';
import { RecordingRejectedError, RecordingValidator } from '../validation/recording-validator';
import { S3RecordingStore } from './s3-recording-store';

const PART = 5 * 1024 * 1024;

describe('the S3 recording store (against an S3-compatible server)', () => {
  let s3: TestS3Server;
  let store: S3RecordingStore;

  beforeAll(async () => {
    s3 = await TestS3Server.start();
    store = new S3RecordingStore({ ...s3.config, partSizeBytes: PART, queueSize: 2 });
  });
  afterAll(async () => {
    store?.client.destroy();
    await s3?.dispose();
  });

  // 12 MiB: three parts of a multipart upload.
  describeRecordingStoreBehaviour(() => store, { largeBytes: 12 * 1024 * 1024 });

  it('sends the SHA-256 of every part with it', async () => {
    const key = freshKey();
    const bytes = Buffer.alloc(2 * PART + 1000);
    for (let i = 0; i < bytes.length; i += 997) bytes[i] = i % 251;
    await store.put(key, Readable.from([bytes]), { contentType: 'audio/wav' });
    const parts = [bytes.subarray(0, PART), bytes.subarray(PART, 2 * PART), bytes.subarray(2 * PART)];
    expect(s3.partChecksums.get(key)).toEqual(
      new Map(parts.map((part, i) => [i + 1, createHash('sha256').update(part).digest('base64')])),
    );
  });

  it('aborts the multipart upload when the body fails midway: nothing incomplete is left', async () => {
    const key = freshKey();
    await expect(store.put(key, failingBody(Buffer.alloc(3 * PART)), { contentType: 'audio/wav' })).rejects.toThrow(
      'connection reset',
    );
    expect((await s3.incompleteUploads()).filter((u) => u.key === key)).toEqual([]);
  });

  it("fails with the validator's reason when the validator refuses the bytes midway, and keeps nothing", async () => {
    const key = freshKey();
    const wav = buildWav({ sampleRate: 8000, channels: 1, bitsPerSample: 16, data: Buffer.alloc(3 * PART) });
    const validator = new RecordingValidator({ maxBytes: 2 * PART, declaredBytes: wav.length });
    const body = Readable.from([wav.subarray(0, PART), wav.subarray(PART, 2 * PART), wav.subarray(2 * PART)]);
    const error = await store.put(key, body.pipe(validator), { contentType: 'audio/wav' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordingRejectedError);
    expect(error).toMatchObject({ reason: 'too-large' });
    expect(await store.head(key)).toBeNull();
    expect((await s3.incompleteUploads()).filter((u) => u.key === key)).toEqual([]);
  });

  it('stores what the validator passed under the checksum it proved', async () => {
    const key = freshKey();
    const wav = buildWav({ sampleRate: 8000, channels: 1, bitsPerSample: 16, data: Buffer.alloc(PART + 5000, 3) });
    const validator = new RecordingValidator({ maxBytes: 4 * PART, declaredBytes: wav.length });
    const stored = await store.put(key, Readable.from([wav]).pipe(validator), { contentType: 'audio/wav' });
    expect(stored.sha256).toBe(sha256(wav));
    expect(validator.result).toMatchObject({ sha256: sha256(wav), format: 'wav' });
  });

  it('a put replaces the incomplete upload an earlier, crashed put of the same key left', async () => {
    const key = freshKey();
    const { UploadId } = await store.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    await store.client.send(
      new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(PART) }),
    );
    expect((await s3.incompleteUploads()).map((u) => u.key)).toContain(key);
    const bytes = Buffer.from('RIFF and the rest');
    await store.put(key, Readable.from([bytes]), { contentType: 'audio/wav' });
    expect((await s3.incompleteUploads()).filter((u) => u.key === key)).toEqual([]);
    expect((await store.head(key))?.sha256).toBe(sha256(bytes));
  });

  it('cleans up incomplete uploads older than asked, and leaves younger ones', async () => {
    const key = freshKey();
    await store.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    expect(await store.cleanupIncomplete(60_000)).toBe(0);
    const later = new S3RecordingStore({
      ...s3.config,
      partSizeBytes: PART,
      queueSize: 2,
      now: () => Date.now() + 120_000,
    });
    expect(await later.cleanupIncomplete(60_000)).toBeGreaterThanOrEqual(1);
    expect(await s3.incompleteUploads()).toEqual([]);
    later.client.destroy();
  });

  it('presigns a URL that downloads the exact bytes until it expires', async () => {
    const key = freshKey('mp3');
    const bytes = Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 256));
    await store.put(key, Readable.from([bytes]), { contentType: 'audio/mpeg' });
    const { url } = await store.presignGet(key, 60);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    const past = new S3RecordingStore({
      ...s3.config,
      partSizeBytes: PART,
      queueSize: 2,
      now: () => Date.now() - 120_000,
    });
    const expired = await past.presignGet(key, 60);
    expect(Date.parse(expired.expiresAt)).toBeLessThan(Date.now());
    expect((await fetch(expired.url)).status).toBe(403);
    past.client.destroy();
  });

  it('is not ready while the server is away, and ready again when it is back', async () => {
    await s3.stop();
    await expect(store.check()).rejects.toThrow();
    await s3.resume();
    await expect(store.check()).resolves.toBeUndefined();
  });

  it('is not ready when the bucket does not exist', async () => {
    const wrong = new S3RecordingStore({ ...s3.config, bucket: 'no-such-bucket', partSizeBytes: PART, queueSize: 1 });
    await expect(wrong.check()).rejects.toThrow();
    wrong.client.destroy();
  });
});
