import { randomUUID } from 'node:crypto';
import type { ProviderAccountDto } from '@callfleet/contracts';
import { type BuiltProcess, ensureBuilt, runBuilt, TEST_NATS_URL, TestS3Server, waitFor } from '@callfleet/testing';
import { RecordingFleet, sha256 } from './recording-fleet';

const PIPELINE_MAIN = 'dist/apps/recording-pipeline/src/main.js';

/** 1000 s of 8 kHz 16-bit mono: a 16 MB WAV, a multipart upload of three 5 MB parts and a last one. */
const RECORDING_SECONDS = 1000;
const RECORDING_BYTES = 44 + RECORDING_SECONDS * 16_000;

/**
 * `kill -9` of the pipeline in the middle of a large upload: the built process, as in production,
 * copying a 16 MB recording the simulator trickles at 2 MB/s into S3 in 5 MB parts, killed once
 * the bucket holds an incomplete multipart upload with a part in it.
 */
describe('recording-pipeline killed mid-upload (built process)', () => {
  let s3: TestS3Server;
  let fleet: RecordingFleet;
  let account: ProviderAccountDto;
  const orgId = randomUUID();
  const runs: BuiltProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt([PIPELINE_MAIN]);
    s3 = await TestS3Server.start();
    // Slow mode serves the recording at 2 MB/s: about 8 s, parts go up from 2.5 s on.
    fleet = await RecordingFleet.start(
      {},
      {
        SIM_SLOW_DOWNLOAD_BYTES_PER_SECOND: '2000000',
        SIM_RECORDING_MIN_SECONDS: String(RECORDING_SECONDS),
        SIM_RECORDING_MAX_SECONDS: String(RECORDING_SECONDS),
      },
      { inProcess: false },
    );
    account = await fleet.createTwilioAccount(orgId);
  }, 300_000);

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await fleet?.stop();
    await s3?.dispose();
  });

  async function startPipeline(): Promise<BuiltProcess> {
    const { endpoint, region, bucket, credentials } = s3.config;
    const run = runBuilt(PIPELINE_MAIN, {
      NODE_ENV: 'test',
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: TEST_NATS_URL,
      CALLFLEET_NAMESPACE: fleet.namespace,
      DATABASE_URL: fleet.dbs[1].url,
      RECORDINGS_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: region,
      S3_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_PART_SIZE_MB: '5',
    });
    runs.push(run);
    await waitFor(
      async () => run.stdout.some((l) => l.includes('"msg":"recording-pipeline ready"')),
      60_000,
      'recording-pipeline ready',
    );
    return run;
  }

  it('stores the recording once after a restart, and leaves no incomplete upload in the bucket', async () => {
    await fleet.setDownloadMode('slow');
    const first = await startPipeline();
    const callId = await fleet.recordedCall(account);
    // The multipart upload is under way: a part is in the bucket, the rest still to come.
    const cutOff = await waitFor(
      async () => (await s3.incompleteUploads()).find((u) => u.key.includes(`/${callId}/`) && u.parts >= 1),
      60_000,
      'a multipart upload with a part in it',
    );
    first.child.kill('SIGKILL');
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    // Nobody answers the API now: the row and the bucket show the copy cut off mid-way.
    const interrupted = (await fleet.pipelineRows()).filter((r) => r.object_key.includes(`/${callId}/`));
    expect(interrupted.map((r) => r.state)).toEqual(['downloading']);
    expect((await s3.incompleteUploads()).map((u) => u.uploadId)).toContain(cutOff.uploadId);

    await fleet.setDownloadMode('normal');
    await startPipeline();
    // The dead runner's lease (30 s) runs out, and the restarted process takes the job again.
    const recording = await fleet.settled(orgId, callId, 120_000);
    const original = await fleet.providerBytes(recording.providerRecordingId);
    expect(original.bytes.length).toBe(RECORDING_BYTES);
    expect(recording).toMatchObject({
      state: 'stored',
      attempts: 2,
      bytes: RECORDING_BYTES,
      durationSec: RECORDING_SECONDS,
      sha256: sha256(original.bytes),
    });
    expect((await fleet.pipelineRows()).filter((r) => r.object_key.includes(`/${callId}/`))).toHaveLength(1);
    expect(await s3.incompleteUploads()).toEqual([]);
  }, 300_000);
});
