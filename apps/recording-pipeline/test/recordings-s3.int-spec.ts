import { randomUUID } from 'node:crypto';
import type { ProviderAccountDto, RecordingUrlDto } from '@callfleet/contracts';
import { TestS3Server, waitFor } from '@callfleet/testing';
import { RecordingFleet, sha256 } from './recording-fleet';

/** The same path into an S3-compatible server (s3rver on a free port), which the test can take away. */
describe('recording pipeline with the S3 driver', () => {
  let s3: TestS3Server;
  let fleet: RecordingFleet;
  let account: ProviderAccountDto;
  const orgId = randomUUID();

  beforeAll(async () => {
    s3 = await TestS3Server.start();
    const { endpoint, region, bucket, credentials } = s3.config;
    fleet = await RecordingFleet.start({
      RECORDINGS_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: region,
      S3_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      RECORDING_STORE_RETRY_MS: '500',
    });
    account = await fleet.createTwilioAccount(orgId);
  });

  afterAll(async () => {
    await fleet?.stop();
    await s3?.dispose();
  });

  it("stores the simulator's exact bytes, and its presigned URL serves them", async () => {
    const callId = await fleet.recordedCall(account);
    const recording = await fleet.settled(orgId, callId);
    const original = await fleet.providerBytes(recording.providerRecordingId);
    expect(recording).toMatchObject({ state: 'stored', sha256: sha256(original.bytes), bytes: original.bytes.length });
    const url = await fleet.request<RecordingUrlDto>(
      'recordings.v1.url',
      { id: recording.id, ttlSeconds: 60 },
      { orgId },
    );
    if (!url.ok) throw new Error(JSON.stringify(url.body));
    const download = await fetch(url.body.url);
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(original.bytes));
    expect(await s3.incompleteUploads()).toEqual([]);
  });

  it('waits while the store is down (readiness says so), then stores the recording once it is back', async () => {
    await s3.stop();
    try {
      const ready = await fetch(`${fleet.pipeline.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toContain('recording-store');
      const callId = await fleet.recordedCall(account);
      const waiting = await waitFor(
        async () => {
          const [recording] = await fleet.recordingsOf(orgId, callId);
          return recording?.lastError === 'store-unavailable' && recording;
        },
        30_000,
        'a download waiting for the store',
      );
      expect(waiting.state).toBe('pending');
      // Long enough for several looks at the store (every 500 ms): none of them uses up an attempt.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await fleet.recordingsOf(orgId, callId))[0]).toMatchObject({ state: 'pending', attempts: 0 });
      await s3.resume();
      const stored = await fleet.settled(orgId, callId, 30_000);
      const original = await fleet.providerBytes(stored.providerRecordingId);
      expect(stored).toMatchObject({ state: 'stored', attempts: 1, sha256: sha256(original.bytes) });
      expect(await s3.incompleteUploads()).toEqual([]);
    } finally {
      await s3.resume().catch(() => undefined);
    }
  });
});
