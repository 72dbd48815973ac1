import { randomUUID } from 'node:crypto';
import type { ProviderAccountDto, RecordingContentLinkDto, RecordingDto, RecordingUrlDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { RecordingStore } from '../src/storage/recording-store';
import { RecordingFleet, sha256 } from './recording-fleet';

/** Recordings from a simulated call to the store and back out to their owner, on real NATS and PostgreSQL. */
describe('recording pipeline: simulator → webhook-ingest → recording-pipeline → store', () => {
  let fleet: RecordingFleet;
  let account: ProviderAccountDto;
  const orgId = randomUUID();
  const otherOrgId = randomUUID();

  beforeAll(async () => {
    // Slow downloads trickle at 200 kB/s: a few seconds for the simulator's recording.
    fleet = await RecordingFleet.start({}, { SIM_SLOW_DOWNLOAD_BYTES_PER_SECOND: '200000' });
    account = await fleet.createTwilioAccount(orgId);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  describe('a call recorded with Record=true', () => {
    let callId: string;
    let recording: RecordingDto;

    beforeAll(async () => {
      await fleet.setDownloadMode('normal');
      callId = await fleet.recordedCall(account);
      recording = await fleet.settled(orgId, callId);
    });

    it("is stored with exactly the simulator's bytes, duration and content type", async () => {
      const original = await fleet.providerBytes(recording.providerRecordingId);
      expect(recording).toMatchObject({
        state: 'stored',
        provider: 'twilio',
        providerCallId: callId,
        bytes: original.bytes.length,
        sha256: sha256(original.bytes),
        contentType: original.contentType,
        attempts: 1,
        lastError: null,
      });
      // The provider states whole seconds (Twilio's RecordingDuration); the file says 21.5 for its 22.
      expect(Math.abs((recording.durationSec ?? -10) - (recording.providerDurationSec ?? 10))).toBeLessThanOrEqual(1);
      const store = fleet.pipeline.app.get(RecordingStore);
      const [row] = (await fleet.pipelineRows()).filter((r) => r.id === recording.id);
      const object = await store.head(row.object_key);
      expect(object).toMatchObject({ bytes: original.bytes.length, sha256: sha256(original.bytes) });
      expect(row.object_key).toMatch(new RegExp(`^org/${orgId}/\\d{4}/\\d{2}/\\d{2}/${callId}/${recording.id}\\.wav$`));
    });

    it('is listed for its org and nowhere else', async () => {
      expect((await fleet.recordingsOf(orgId, callId)).map((r) => r.id)).toEqual([recording.id]);
      expect(await fleet.recordingsOf(otherOrgId, callId)).toEqual([]);
    });

    it('signs a URL on the gateway that object-link turns into the same bytes, until it expires', async () => {
      const original = await fleet.providerBytes(recording.providerRecordingId);
      const answer = await fleet.request<RecordingUrlDto>(
        'recordings.v1.url',
        { id: recording.id, ttlSeconds: 2 },
        { orgId },
      );
      if (!answer.ok) throw new Error(JSON.stringify(answer.body));
      // The local driver's URL is the gateway's (GATEWAY_PUBLIC_URL's default); the gateway asks
      // object-link with the URL's parts, as this test does, and streams from the link it answers.
      const url = new URL(answer.body.url);
      expect(`${url.origin}${url.pathname}`.startsWith('http://localhost:3000/api/v1/recordings/objects/org/')).toBe(
        true,
      );
      const parts = {
        key: url.pathname.slice('/api/v1/recordings/objects/'.length).split('/').map(decodeURIComponent).join('/'),
        expires: Number(url.searchParams.get('expires')),
        signature: url.searchParams.get('signature') ?? '',
      };
      const link = await fleet.request<RecordingContentLinkDto>('recordings.v1.object-link', parts, {
        orgId: otherOrgId,
      });
      if (!link.ok) throw new Error(JSON.stringify(link.body));
      const fresh = await fetch(link.body.url);
      expect([fresh.status, fresh.status === 200 ? '' : await fresh.text()]).toEqual([200, '']);
      expect(sha256(Buffer.from(await fresh.arrayBuffer()))).toBe(sha256(original.bytes));
      const forged = { ...parts, signature: `${parts.signature[0] === 'A' ? 'B' : 'A'}${parts.signature.slice(1)}` };
      expect(await fleet.request('recordings.v1.object-link', forged, { orgId })).toMatchObject({
        ok: false,
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      const expiresAt = Date.parse(answer.body.expiresAt);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 100));
      expect(await fleet.request('recordings.v1.object-link', parts, { orgId })).toMatchObject({
        ok: false,
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect((await fetch(link.body.url)).status).toBe(403);
    });

    it('answers a Range of its content with 206 and exactly those bytes', async () => {
      const original = await fleet.providerBytes(recording.providerRecordingId);
      const link = await fleet.request<RecordingContentLinkDto>(
        'recordings.v1.content-link',
        { id: recording.id },
        { orgId },
      );
      if (!link.ok) throw new Error(JSON.stringify(link.body));
      const ranged = await fetch(link.body.url, { headers: { range: 'bytes=100-199' } });
      expect([ranged.status, ranged.status === 206 ? '' : await ranged.text()]).toEqual([206, '']);
      expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${original.bytes.length}`);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(original.bytes.subarray(100, 200))).toBe(true);
    });

    it('is NOT_FOUND for another org on every command', async () => {
      for (const [subject, body] of [
        ['recordings.v1.get', { id: recording.id }],
        ['recordings.v1.url', { id: recording.id }],
        ['recordings.v1.content-link', { id: recording.id }],
        ['recordings.v1.delete', { id: recording.id }],
      ] as const) {
        const answer = await fleet.request(subject, body, { orgId: otherOrgId, roles: ['owner'] });
        expect(answer).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
      }
      expect((await fleet.recordingsOf(orgId, callId)).map((r) => r.state)).toEqual(['stored']);
    });

    it('makes one row and one object when its event is delivered 3 times', async () => {
      const event = {
        eventId: `twilio:${account.accountKey}:${recording.providerRecordingId}:completed`,
        provider: 'twilio',
        accountKey: account.accountKey,
        kind: 'recording',
        callId,
        recording: {
          recordingId: recording.providerRecordingId,
          url: `${fleet.sim.url}/2010-04-01/Accounts/AC/Recordings/${recording.providerRecordingId}`,
          status: 'completed',
        },
        occurredAt: new Date().toISOString(),
        raw: {},
        orgId,
      };
      // The provider's callback was the first; two more copies, each with its own message id.
      const acked = await fleet.deliveries('ack');
      await fleet.publishIngress('ingress.twilio.v1.recording', event);
      await fleet.publishIngress('ingress.twilio.v1.recording', event);
      await waitFor(
        async () => (await fleet.deliveries('ack')) >= acked + 2,
        15_000,
        'the repeated events to be taken',
      );
      const rows = (await fleet.pipelineRows()).filter((r) => r.object_key.includes(`/${callId}/`));
      expect(rows.map((r) => r.id)).toEqual([recording.id]);
      expect((await fleet.recordingsOf(orgId, callId)).map((r) => [r.state, r.attempts])).toEqual([['stored', 1]]);
    });

    it('lets a viewer read but not delete, and an admin delete it (row, then object)', async () => {
      const viewer = await fleet.request('recordings.v1.delete', { id: recording.id }, { orgId, roles: ['viewer'] });
      expect(viewer).toMatchObject({ ok: false, status: 403 });
      const read = await fleet.request<RecordingDto>(
        'recordings.v1.get',
        { id: recording.id },
        { orgId, roles: ['viewer'] },
      );
      expect(read).toMatchObject({ ok: true, body: { id: recording.id } });
      const [row] = (await fleet.pipelineRows()).filter((r) => r.id === recording.id);
      const deleted = await fleet.request('recordings.v1.delete', { id: recording.id }, { orgId, roles: ['admin'] });
      expect(deleted).toEqual({ ok: true, body: { ok: true } });
      expect(await fleet.request('recordings.v1.get', { id: recording.id }, { orgId })).toMatchObject({ status: 404 });
      const store = fleet.pipeline.app.get(RecordingStore);
      await expect(
        (async () => {
          for (let i = 0; i < 50 && (await store.head(row.object_key)); i++)
            await new Promise((r) => setTimeout(r, 100));
          return store.head(row.object_key);
        })(),
      ).resolves.toBeNull();
    });
  });

  it('retries a truncated download and marks it failed with the reason, never storing a partial object', async () => {
    await fleet.setDownloadMode('truncated');
    const callId = await fleet.recordedCall(account);
    const recording = await fleet.settled(orgId, callId, 60_000);
    expect(recording).toMatchObject({
      state: 'failed',
      lastError: 'truncated',
      attempts: 3,
      bytes: null,
      sha256: null,
    });
    const [row] = (await fleet.pipelineRows()).filter((r) => r.id === recording.id);
    expect(await fleet.pipeline.app.get(RecordingStore).head(row.object_key)).toBeNull();
  });

  it('stores a slow download whole', async () => {
    await fleet.setDownloadMode('slow');
    const callId = await fleet.recordedCall(account);
    const recording = await fleet.settled(orgId, callId, 60_000);
    await fleet.setDownloadMode('normal');
    const original = await fleet.providerBytes(recording.providerRecordingId);
    expect(recording).toMatchObject({ state: 'stored', attempts: 1, sha256: sha256(original.bytes) });
  });

  it('stores a recording whose provider failed at first, once the provider recovers', async () => {
    await fleet.setDownloadMode('failing');
    const callId = await fleet.recordedCall(account);
    await waitFor(
      async () => (await fleet.recordingsOf(orgId, callId))[0]?.lastError === 'provider-5xx',
      30_000,
      'a failed first attempt',
    );
    await fleet.setDownloadMode('normal');
    const recording = await fleet.settled(orgId, callId, 60_000);
    expect(recording.state).toBe('stored');
    expect(recording.attempts).toBeGreaterThanOrEqual(2);
    const original = await fleet.providerBytes(recording.providerRecordingId);
    expect(recording.sha256).toBe(sha256(original.bytes));
  });
});
