import { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { TestS3Server } from '@callfleet/testing';
import { describeRecordingStoreBehaviour, failingBody, freshKey, sha256 } from './recording-store.behaviour';
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

  it('aborts the multipart upload when the body fails midway: nothing incomplete is left', async () => {
    const key = freshKey();
    await expect(store.put(key, failingBody(Buffer.alloc(3 * PART)), { contentType: 'audio/wav' })).rejects.toThrow(
      'connection reset',
    );
    expect((await s3.incompleteUploads()).filter((u) => u.key === key)).toEqual([]);
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
