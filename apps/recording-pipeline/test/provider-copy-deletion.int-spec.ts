import { randomUUID } from 'node:crypto';
import type { ProviderAccountDto, RecordingDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { SIM_TWILIO } from '../../webhook-ingest/test/simulator';
import { RecordingStore } from '../src/storage/recording-store';
import { RecordingFleet } from './recording-fleet';

/**
 * The per-account `deleteProviderRecordingAfterStore`: after a verified store a durable job deletes
 * the simulator's copy (Twilio `DELETE …/Recordings/{sid}`), retrying a failing provider, and never
 * touching ours; an account without it keeps the provider's copy. Real NATS and PostgreSQL.
 */
describe("recording pipeline: deleting the provider's copy after a verified store", () => {
  let fleet: RecordingFleet;
  let deleting: ProviderAccountDto;
  let keeping: ProviderAccountDto;
  const orgId = randomUUID();

  beforeAll(async () => {
    fleet = await RecordingFleet.start();
    deleting = await fleet.createTwilioAccount(orgId, { deleteProviderRecordingAfterStore: true });
    keeping = await fleet.createTwilioAccount(orgId);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  /** Our stored object still has exactly the bytes and checksum the recording claims. */
  async function expectOurCopyProven(recording: RecordingDto): Promise<void> {
    const [row] = (await fleet.pipelineRows()).filter((r) => r.id === recording.id);
    const object = await fleet.pipeline.app.get(RecordingStore).head(row.object_key);
    expect(object).toMatchObject({ bytes: recording.bytes, sha256: recording.sha256 });
    expect(
      (await fleet.request<RecordingDto>('recordings.v1.get', { id: recording.id }, { orgId })).body,
    ).toMatchObject({ state: 'stored', sha256: recording.sha256 });
  }

  const deleteRequests = async (sid: string) =>
    (
      await fleet.sim.admin<{ items: { method: string; status: number }[] }>(
        'GET',
        `/requests?path=${encodeURIComponent(`/Recordings/${sid}`)}`,
      )
    ).items.filter((r) => r.method === 'DELETE');

  it('shows the setting on the account, off unless asked, and refuses it for a provider that cannot delete', async () => {
    expect(deleting.deleteProviderRecordingAfterStore).toBe(true);
    expect(keeping.deleteProviderRecordingAfterStore).toBe(false);
    const refused = await fleet.request(
      'provider-accounts.v1.create',
      {
        provider: 'ringcentral',
        name: 'rc',
        credentials: { accessToken: 'token' },
        deleteProviderRecordingAfterStore: true,
      },
      { orgId },
    );
    expect(refused).toMatchObject({ ok: false, status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(JSON.stringify(refused.body)).toContain('deleteProviderRecordingAfterStore');
  });

  it("deletes the provider's copy once ours is stored, when the account asks", async () => {
    const callId = await fleet.recordedCall(deleting);
    const recording = await fleet.settled(orgId, callId);
    expect(recording.state).toBe('stored');
    await waitFor(
      async () => !(await fleet.providerHas(recording.providerRecordingId)),
      15_000,
      "the simulator's copy to be deleted",
    );
    expect((await deleteRequests(recording.providerRecordingId)).map((r) => r.status)).toEqual([204]);
    await expectOurCopyProven(recording);
  });

  it("keeps the provider's copy when the account does not ask", async () => {
    const callId = await fleet.recordedCall(keeping);
    const recording = await fleet.settled(orgId, callId);
    expect(recording.state).toBe('stored');
    // The deletion of the previous test took well under this.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await fleet.providerHas(recording.providerRecordingId)).toBe(true);
    expect(await deleteRequests(recording.providerRecordingId)).toEqual([]);
    const [{ jobs }] = await fleet.dbs[1].query<{ jobs: number }>(
      `SELECT count(*)::int AS jobs FROM recordings.jobs WHERE kind = 'recording-pipeline.delete-provider-copy' AND payload->>'recordingId' = $1`,
      [recording.id],
    );
    expect(jobs).toBe(0);
    await expectOurCopyProven(recording);
  });

  it('retries a failing delete until the provider takes it, and never touches our copy', async () => {
    const callId = await fleet.recordedCall(deleting);
    // Placed: the provider's API now fails its next 4 requests (the deletes), then recovers: more than
    // the provider policy retries in one attempt (3), fewer than open the account's breaker (5).
    await fleet.sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, { apiFault: { mode: 'error', remaining: 4 } });
    const recording = await fleet.settled(orgId, callId);
    expect(recording.state).toBe('stored');
    await waitFor(
      async () => !(await fleet.providerHas(recording.providerRecordingId)),
      30_000,
      "the simulator's copy to be deleted after the failures",
    );
    const statuses = (await deleteRequests(recording.providerRecordingId)).map((r) => r.status);
    expect(statuses).toEqual([500, 500, 500, 500, 204]);
    await expectOurCopyProven(recording);
    const [job] = await fleet.dbs[1].query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM recordings.jobs WHERE kind = 'recording-pipeline.delete-provider-copy' AND payload->>'recordingId' = $1`,
      [recording.id],
    );
    // The provider policy's own retries were not enough: the durable job ran again.
    expect(job.attempts).toBeGreaterThan(1);
  }, 60_000);
});
