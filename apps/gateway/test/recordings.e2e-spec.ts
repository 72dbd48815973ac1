import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CallCommands,
  type ListDto,
  type ProviderAccountDto,
  type RecordingDto,
  type RecordingListDto,
  type RecordingUrlDto,
  Streams,
} from '@callfleet/contracts';
import { MetricsService, SubjectNamespace } from '@callfleet/platform';
import { ProviderPolicyRegistry } from '@callfleet/resilience';
import { TwilioAdapter } from '@callfleet/telephony';
import { expectErrorEnvelope, plainNatsClient, startTestService, TestDatabase, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { recordingPipelineService } from '../../recording-pipeline/src/recording-pipeline.definition';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
import { SIM_TWILIO, Simulator } from '../../webhook-ingest/test/simulator';
import { type GatewayClient, GatewayFleet, registration, type TokenPair } from './gateway-fleet';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A signed-URL request refused with `status` and the fleet's error envelope. */
async function expectRefused(url: string, status: number): Promise<void> {
  const answer = await fetch(url);
  expect({ url: url.slice(0, 160), status: answer.status }).toEqual({ url: url.slice(0, 160), status });
  expectErrorEnvelope(await answer.json(), answer.headers);
}

/** /api/v1/recordings: a recorded simulated call, stored by recording-pipeline, read through the gateway. */
describe('gateway: recordings (auth + gateway + webhook-ingest + recording-pipeline, real NATS and PostgreSQL)', () => {
  let fleet: GatewayFleet;
  let sim: Simulator;
  let dbs: TestDatabase[];
  let services: Awaited<ReturnType<typeof startTestService>>[];
  let storeDir: string;
  let nc: NatsConnection;
  let flow: Subscription;
  let api: GatewayClient;
  let owner: TokenPair;
  let stranger: TokenPair;
  let recording: RecordingDto;
  let original: Buffer;

  beforeAll(async () => {
    fleet = await GatewayFleet.start({ RATE_LIMIT_REGISTER: '50/15m', RATE_LIMIT_ANONYMOUS: '1000/15m' });
    sim = await Simulator.start({ TIME_SCALE: '100', WEBHOOK_RETRIES: '1' });
    dbs = [await TestDatabase.create(), await TestDatabase.create()];
    storeDir = await mkdtemp(join(tmpdir(), 'gateway-recordings-'));
    services = [
      await startTestService(webhookIngestService, {
        namespace: fleet.namespace,
        databaseUrl: dbs[0].url,
        env: { DEV_PROVIDER_ACCOUNTS: 'false' },
      }),
      await startTestService(recordingPipelineService, {
        namespace: fleet.namespace,
        databaseUrl: dbs[1].url,
        env: { RECORDINGS_LOCAL_DIR: storeDir, GATEWAY_PUBLIC_URL: fleet.client().baseUrl },
      }),
    ];
    // call-orchestrator stands in: 20 s of talk, then a hang-up.
    nc = await plainNatsClient();
    flow = nc.subscribe(new SubjectNamespace(fleet.namespace).subject(CallCommands.Flow.subject), {
      callback: (_error, msg) => {
        msg.respond(
          JSON.stringify({
            contentType: 'application/xml',
            body: '<Response><Pause length="20"/><Hangup/></Response>',
          }),
        );
      },
    });
    await nc.flush();
    api = fleet.client();
    owner = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('recordings-a') })).body;
    stranger = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('recordings-b') })).body;

    const account = (
      await api.api<ProviderAccountDto>('POST', '/provider-accounts', {
        token: owner.accessToken,
        body: { provider: 'twilio', name: 'simulated', apiBaseUrl: sim.url, credentials: SIM_TWILIO },
      })
    ).body;
    const adapter = new TwilioAdapter({
      policies: new ProviderPolicyRegistry(new MetricsService('gateway-recordings')),
    });
    const placed = await adapter.placeCall(
      { accountKey: account.accountKey, apiBaseUrl: sim.url, credentials: SIM_TWILIO },
      {
        to: '+15005550002',
        from: '+15005550006',
        flowUrl: account.webhookUrls.voice,
        statusCallbackUrl: account.webhookUrls.status,
        record: true,
        recordingStatusCallbackUrl: account.webhookUrls.recording,
      },
    );
    recording = await waitFor(
      async () => {
        const page = await api.api<RecordingListDto>('GET', `/recordings?callId=${placed.callId}`, {
          token: owner.accessToken,
        });
        const [found] = page.body.items ?? [];
        return found?.state === 'stored' && found;
      },
      30_000,
      'the recording to be stored',
    );
    const media = await fetch(
      `${sim.url}/2010-04-01/Accounts/${SIM_TWILIO.accountSid}/Recordings/${recording.providerRecordingId}.wav`,
    );
    original = Buffer.from(await media.arrayBuffer());
  });

  afterAll(async () => {
    flow?.unsubscribe();
    for (const service of (services ?? []).reverse()) await service.close();
    await sim?.stop();
    if (nc) {
      const jsm = await jetstreamManager(nc);
      const ns = new SubjectNamespace(fleet.namespace);
      for (const stream of [Streams.INGRESS.name, Streams.EVENTS.name]) {
        await jsm.streams.delete(ns.stream(stream)).catch(() => undefined);
      }
      await nc.close();
    }
    for (const db of dbs ?? []) await db.drop();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
    await fleet?.stop();
  });

  it('streams the content, and answers Range: bytes=100-199 with 206 and those 100 bytes', async () => {
    const whole = await fetch(`${api.baseUrl}/api/v1/recordings/${recording.id}/content`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/x-wav');
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(original));
    const ranged = await fetch(`${api.baseUrl}/api/v1/recordings/${recording.id}/content`, {
      headers: { authorization: `Bearer ${owner.accessToken}`, range: 'bytes=100-199' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${original.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(original.subarray(100, 200))).toBe(true);
  });

  it('serves the URL of /url without a bearer: the stored bytes, Range, and nothing once it expires', async () => {
    const minted = await api.api<RecordingUrlDto>('GET', `/recordings/${recording.id}/url?ttlSeconds=3`, {
      token: owner.accessToken,
    });
    expect(minted.status).toBe(200);
    const { url, expiresAt } = minted.body;
    // A URL on the gateway, not on the pipeline's own port.
    expect(url.startsWith(`${api.baseUrl}/api/v1/recordings/objects/`)).toBe(true);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/x-wav');
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(original));
    const ranged = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${original.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(original.subarray(100, 200))).toBe(true);

    const signed = new URL(url);
    const signature = signed.searchParams.get('signature') ?? '';
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    signed.searchParams.set('signature', flipped);
    await expectRefused(signed.toString(), 403);

    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 100));
    await expectRefused(url, 403);
  });

  it('answers hostile signed-URL requests with 4xx and the error envelope', async () => {
    const minted = await api.api<RecordingUrlDto>('GET', `/recordings/${recording.id}/url`, {
      token: owner.accessToken,
    });
    const signed = new URL(minted.body.url);
    const base = `${signed.origin}${signed.pathname}`;
    const signature = signed.searchParams.get('signature') ?? '';
    const expires = signed.searchParams.get('expires') ?? '';
    for (const [target, status] of [
      [base, 400],
      [`${base}?expires=${expires}`, 400],
      [`${base}?signature=${signature}`, 400],
      [`${base}?expires=9${'9'.repeat(400)}&signature=${signature}`, 400],
      [`${base}?expires=-1&signature=${signature}`, 400],
      [`${base}?expires=${expires}&signature=${'A'.repeat(5000)}`, 400],
      // Another key with this URL's signature, a path trick, a malformed escape, a huge key.
      [`${api.baseUrl}/api/v1/recordings/objects/org/other.wav?expires=${expires}&signature=${signature}`, 403],
      [`${api.baseUrl}/api/v1/recordings/objects/org/..%2Fx.wav?expires=${expires}&signature=${signature}`, 400],
      [`${api.baseUrl}/api/v1/recordings/objects/org/%E0%A4%A.wav?expires=${expires}&signature=${signature}`, 400],
      [`${api.baseUrl}/api/v1/recordings/objects/${'a/'.repeat(600)}x?expires=${expires}&signature=${signature}`, 400],
    ] as const) {
      await expectRefused(target, status);
    }
  });

  it("answers another org's recording with 404 on every route", async () => {
    const list = await api.api<ListDto<RecordingDto>>('GET', '/recordings', { token: stranger.accessToken });
    expect(list.body.items).toEqual([]);
    for (const [method, path] of [
      ['GET', `/recordings/${recording.id}`],
      ['GET', `/recordings/${recording.id}/url`],
      ['GET', `/recordings/${recording.id}/content`],
      ['DELETE', `/recordings/${recording.id}`],
    ] as const) {
      const answer = await api.api(method, path, { token: stranger.accessToken });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 });
    }
  });

  it('reads and sets the org retention at /recordings/retention (not taken for a recording id)', async () => {
    const initial = await api.api('GET', '/recordings/retention', { token: owner.accessToken });
    expect([initial.status, initial.body]).toEqual([200, { days: 90, isDefault: true }]);
    const refused = await api.api('PUT', '/recordings/retention', { token: owner.accessToken, body: { days: 0 } });
    expect(refused.status).toBe(400);
    const set = await api.api('PUT', '/recordings/retention', { token: owner.accessToken, body: { days: 30 } });
    expect([set.status, set.body]).toEqual([200, { days: 30, isDefault: false }]);
    const read = await api.api('GET', '/recordings/retention', { token: owner.accessToken });
    expect(read.body).toEqual({ days: 30, isDefault: false });
    // Another org's is its own.
    const other = await api.api('GET', '/recordings/retention', { token: stranger.accessToken });
    expect(other.body).toEqual({ days: 90, isDefault: true });
  });

  it('deletes it for its owner; then it is gone', async () => {
    const deleted = await api.api('DELETE', `/recordings/${recording.id}`, { token: owner.accessToken });
    expect(deleted.status).toBe(200);
    const after = await api.api('GET', `/recordings/${recording.id}`, { token: owner.accessToken });
    expect(after.status).toBe(404);
  });
});
