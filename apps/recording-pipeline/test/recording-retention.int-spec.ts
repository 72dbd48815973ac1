import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RecordingRetentionDto } from '@callfleet/contracts';
import { ManualClock } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import type { Subscription } from '@nats-io/transport-node';
import { RecordingStore } from '../src/storage/recording-store';
import { RecordingFleet } from './recording-fleet';

const DAY_MS = 24 * 3600_000;
const RUN_AT = Date.parse('2026-06-10T03:30:00Z');

/**
 * Per-org retention on real NATS and PostgreSQL: an org sets its own retention through the API, a
 * ManualClock moves the pipeline to the daily run, and the run deletes rows and objects (more than
 * one batch) older than each org's retention, with their `deleted` events; the rest stay.
 */
describe('recording pipeline: per-org retention', () => {
  const clock = new ManualClock(RUN_AT - 60_000);
  const shortOrg = randomUUID();
  const defaultOrg = randomUUID();
  let fleet: RecordingFleet;
  let deletedEvents: { data: { recordingId: string; reason: string; deletedBy: string | null }; orgId: string }[];
  let subscription: Subscription;

  beforeAll(async () => {
    fleet = await RecordingFleet.start({ RECORDING_RETENTION_BATCH_SIZE: '5' }, {}, { clock });
    deletedEvents = [];
    subscription = fleet.nc.subscribe(fleet.ns.subject('events.recordings.v1.deleted'), {
      callback: (_error, msg) => {
        deletedEvents.push(msg.json());
      },
    });
    await fleet.nc.flush();
  });

  afterAll(async () => {
    subscription?.unsubscribe();
    await fleet?.stop();
  });

  /** A stored recording of `orgId` created `ageDays` before the run, with its object in the store. */
  async function storedRecording(orgId: string, ageDays: number): Promise<{ id: string; objectKey: string }> {
    const id = randomUUID();
    const objectKey = `org/${orgId}/retention/${id}.wav`;
    const object = await fleet.pipeline.app
      .get(RecordingStore)
      .put(objectKey, Readable.from([Buffer.from(`audio of ${id}`)]), { contentType: 'audio/x-wav' });
    await fleet.dbs[1].query(
      `INSERT INTO recordings.recordings
         (id, org_id, provider, account_key, provider_recording_id, provider_call_id, source_url, format, state,
          attempts, object_key, content_type, bytes, sha256, created_at, stored_at)
       VALUES ($1::uuid, $2, 'twilio', 'acct', $1::text, 'CA' || $1::text, 'http://provider.invalid/r', 'wav', 'stored',
               1, $3, 'audio/x-wav', $4, $5, $6, $6)`,
      [id, orgId, objectKey, object.bytes, object.sha256, new Date(RUN_AT - ageDays * DAY_MS).toISOString()],
    );
    return { id, objectKey };
  }

  it('reads the default retention for every role, and lets only owners and admins set one in bounds', async () => {
    expect(
      await fleet.request<RecordingRetentionDto>(
        'recordings.v1.retention.get',
        {},
        { orgId: shortOrg, roles: ['viewer'] },
      ),
    ).toEqual({ ok: true, body: { days: 90, isDefault: true } });
    expect(
      await fleet.request('recordings.v1.retention.set', { days: 30 }, { orgId: shortOrg, roles: ['viewer'] }),
    ).toMatchObject({ ok: false, status: 403, body: { code: 'INSUFFICIENT_PERMISSIONS' } });
    for (const days of [0, 3651, 1.5, '30']) {
      expect(await fleet.request('recordings.v1.retention.set', { days }, { orgId: shortOrg })).toMatchObject({
        ok: false,
        status: 400,
      });
    }
    expect(await fleet.request('recordings.v1.retention.set', { days: 30 }, { orgId: shortOrg })).toEqual({
      ok: true,
      body: { days: 30, isDefault: false },
    });
    expect(await fleet.request('recordings.v1.retention.get', {}, { orgId: shortOrg, roles: ['viewer'] })).toEqual({
      ok: true,
      body: { days: 30, isDefault: false },
    });
    // Another org keeps the default.
    expect(await fleet.request('recordings.v1.retention.get', {}, { orgId: defaultOrg })).toEqual({
      ok: true,
      body: { days: 90, isDefault: true },
    });
  });

  it('deletes, at the daily run, the rows and objects older than their org retention, in batches, with events', async () => {
    const store = fleet.pipeline.app.get(RecordingStore);
    // 12 expired recordings of the 30-day org: three batches of 5.
    const expired = await Promise.all(Array.from({ length: 12 }, (_, n) => storedRecording(shortOrg, 31 + n)));
    const keptShort = await storedRecording(shortOrg, 29);
    // 60 days is within the default 90; 91 is not.
    const keptDefault = await storedRecording(defaultOrg, 60);
    const expiredDefault = await storedRecording(defaultOrg, 91);
    const gone = [...expired, expiredDefault];

    clock.set(RUN_AT);
    await waitFor(
      async () => {
        const rows = await fleet.pipelineRows();
        return rows.length === 2 && rows;
      },
      20_000,
      'the retention run to delete the expired recordings',
    );
    expect((await fleet.pipelineRows()).map((r) => r.id).sort()).toEqual([keptShort.id, keptDefault.id].sort());
    await waitFor(
      async () => (await Promise.all(gone.map((r) => store.head(r.objectKey)))).every((o) => o === null),
      20_000,
      'the expired objects to be deleted',
    );
    expect(await store.head(keptShort.objectKey)).not.toBeNull();
    expect(await store.head(keptDefault.objectKey)).not.toBeNull();

    await waitFor(async () => deletedEvents.length >= gone.length, 20_000, 'the deleted events');
    expect(deletedEvents.map((e) => e.data.recordingId).sort()).toEqual(gone.map((r) => r.id).sort());
    expect(deletedEvents.every((e) => e.data.reason === 'retention' && e.data.deletedBy === null)).toBe(true);
    expect(new Set(deletedEvents.map((e) => e.orgId))).toEqual(new Set([shortOrg, defaultOrg]));

    // The run waits for the next day.
    const [next] = await fleet.dbs[1].query<{ run_at: Date; status: string }>(
      `SELECT run_at, status FROM recordings.jobs WHERE kind = 'recording-pipeline.retention'`,
    );
    expect(next).toMatchObject({ status: 'pending', run_at: new Date(RUN_AT + DAY_MS) });
  });
});
