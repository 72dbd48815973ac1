import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallCommands, type ProviderAccountDto, type RecordingDto, Streams } from '@callfleet/contracts';
import { type Clock, MetricsService, SubjectNamespace } from '@callfleet/platform';
import { ProviderPolicyRegistry } from '@callfleet/resilience';
import { TwilioAdapter } from '@callfleet/telephony';
import {
  type FleetAnswer,
  type FleetRequestCaller,
  fleetRequest,
  startTestService,
  TEST_NATS_URL,
  TestDatabase,
  testNamespace,
  waitFor,
} from '@callfleet/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, headers as natsHeaders, type Subscription } from '@nats-io/transport-node';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
// The simulated provider, the one fake of these tests (shared with webhook-ingest's tests).
import { SIM_TWILIO, Simulator } from '../../webhook-ingest/test/simulator';
import { RECORDING_INTAKE_CONSUMER } from '../src/downloads/recording-intake';
import { recordingPipelineService } from '../src/recording-pipeline.definition';

type Service = Awaited<ReturnType<typeof startTestService>>;
export type Answer<T> = FleetAnswer<T>;

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The real path of a recording: a call placed at the simulator with Record=true, its callbacks
 * through webhook-ingest onto INGRESS, and recording-pipeline copying it into a local store in a
 * temp folder. Real NATS, real PostgreSQL; each service on its own database.
 */
export class RecordingFleet {
  readonly ns: SubjectNamespace;
  private flowResponder?: Subscription;

  private constructor(
    readonly namespace: string,
    readonly sim: Simulator,
    readonly ingest: Service,
    private readonly pipelineService: Service | undefined,
    readonly dbs: TestDatabase[],
    readonly storeDir: string,
    readonly nc: NatsConnection,
  ) {
    this.ns = new SubjectNamespace(namespace);
  }

  /**
   * `inProcess: false` starts no pipeline here (a test runs the built one in a child process);
   * `clock` is the pipeline's time (a ManualClock lets a test move it to a daily run).
   */
  static async start(
    pipelineEnv: Record<string, string> = {},
    simEnv: Record<string, string> = {},
    options: { inProcess?: boolean; clock?: Clock } = {},
  ): Promise<RecordingFleet> {
    const namespace = testNamespace();
    // 100x: a minute of talk takes 0.6 s; callbacks are not retried past the test.
    const sim = await Simulator.start({ TIME_SCALE: '100', WEBHOOK_RETRIES: '1', ...simEnv });
    const ingestDb = await TestDatabase.create();
    const pipelineDb = await TestDatabase.create();
    const ingest = await startTestService(webhookIngestService, {
      namespace,
      databaseUrl: ingestDb.url,
      env: { DEV_PROVIDER_ACCOUNTS: 'false' },
    });
    const storeDir = await mkdtemp(join(tmpdir(), 'recordings-'));
    const env = {
      RECORDINGS_LOCAL_DIR: storeDir,
      RECORDING_DOWNLOAD_ATTEMPTS: '3',
      RECORDING_PROVIDER_TIMEOUT_MS: '3000',
      ...pipelineEnv,
    };
    const pipeline =
      options.inProcess === false
        ? undefined
        : await startTestService(recordingPipelineService, {
            namespace,
            databaseUrl: pipelineDb.url,
            env,
            clock: options.clock,
          });
    const nc = await connect({ servers: TEST_NATS_URL, name: 'recordings-test' });
    const fleet = new RecordingFleet(namespace, sim, ingest, pipeline, [ingestDb, pipelineDb], storeDir, nc);
    fleet.standInForOrchestrator();
    await nc.flush();
    return fleet;
  }

  /** call-orchestrator is not there: answers calls.v1.flow with 20 s of talk, then a hang-up. */
  private standInForOrchestrator(): void {
    this.flowResponder = this.nc.subscribe(this.ns.subject(CallCommands.Flow.subject), {
      callback: (_error, msg) => {
        msg.respond(
          JSON.stringify({
            contentType: 'application/xml',
            body: '<Response><Pause length="20"/><Hangup/></Response>',
          }),
        );
      },
    });
  }

  /** The pipeline running in this process (not there when the test runs the built one). */
  get pipeline(): Service {
    if (!this.pipelineService) throw new Error('no pipeline in this process');
    return this.pipelineService;
  }

  /** A plain NATS request as the gateway makes it, with the caller's identity in the fleet headers. */
  request<T>(subject: string, body: unknown, caller: FleetRequestCaller): Promise<Answer<T>> {
    return fleetRequest<T>(this.nc, this.namespace, subject, body, caller);
  }

  async createTwilioAccount(
    orgId: string,
    settings: { deleteProviderRecordingAfterStore?: boolean } = {},
  ): Promise<ProviderAccountDto> {
    const answer = await this.request<ProviderAccountDto>(
      'provider-accounts.v1.create',
      { provider: 'twilio', name: 'simulated', apiBaseUrl: this.sim.url, credentials: SIM_TWILIO, ...settings },
      { orgId },
    );
    if (!answer.ok) throw new Error(`account not created: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** A recorded call at the simulator, reported to webhook-ingest; resolves with the provider's call id. */
  async recordedCall(account: ProviderAccountDto): Promise<string> {
    const adapter = new TwilioAdapter({ policies: new ProviderPolicyRegistry(new MetricsService('recordings-test')) });
    const placed = await adapter.placeCall(
      { accountKey: account.accountKey, apiBaseUrl: this.sim.url, credentials: SIM_TWILIO },
      {
        to: '+15005550002',
        from: '+15005550006',
        flowUrl: account.webhookUrls.voice,
        statusCallbackUrl: account.webhookUrls.status,
        record: true,
        recordingStatusCallbackUrl: account.webhookUrls.recording,
      },
    );
    return placed.callId;
  }

  /** The simulator's own bytes of a recording, fetched as a provider client would. */
  async providerBytes(recordingSid: string): Promise<{ bytes: Buffer; contentType: string | null }> {
    const response = await fetch(
      `${this.sim.url}/2010-04-01/Accounts/${SIM_TWILIO.accountSid}/Recordings/${recordingSid}.wav`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${SIM_TWILIO.accountSid}:${SIM_TWILIO.authToken}`).toString('base64')}`,
        },
      },
    );
    if (!response.ok) throw new Error(`simulator answered ${response.status}`);
    return { bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
  }

  /** Whether the simulator still holds the recording (its resource answers 200, not 404). */
  async providerHas(recordingSid: string): Promise<boolean> {
    const response = await fetch(
      `${this.sim.url}/2010-04-01/Accounts/${SIM_TWILIO.accountSid}/Recordings/${recordingSid}.json`,
    );
    await response.arrayBuffer();
    if (response.status !== 200 && response.status !== 404) throw new Error(`simulator answered ${response.status}`);
    return response.status === 200;
  }

  async setDownloadMode(mode: 'normal' | 'slow' | 'truncated' | 'failing'): Promise<void> {
    await this.sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, { recordingDownload: mode });
  }

  /** The org's recordings of a provider call, as the API lists them. */
  async recordingsOf(orgId: string, callId: string): Promise<RecordingDto[]> {
    const answer = await this.request<{ items: RecordingDto[] }>('recordings.v1.list', { callId }, { orgId });
    if (!answer.ok) throw new Error(`list failed: ${JSON.stringify(answer.body)}`);
    return answer.body.items;
  }

  /** Waits until the call's recording is settled (stored or failed) and returns it. */
  settled(orgId: string, callId: string, timeoutMs = 30_000): Promise<RecordingDto> {
    return waitFor(
      async () => {
        const [recording] = await this.recordingsOf(orgId, callId);
        return recording && (recording.state === 'stored' || recording.state === 'failed') && recording;
      },
      timeoutMs,
      `the recording of ${callId} to be stored or failed`,
    );
  }

  /** Publishes a provider event on INGRESS as webhook-ingest does, under its own message id (a repeat, not a duplicate). */
  async publishIngress(subject: string, event: unknown): Promise<void> {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', randomUUID());
    await jetstream(this.nc).publish(this.ns.subject(subject), JSON.stringify(event), { headers: h });
  }

  /** Deliveries the intake consumer settled with `outcome` (ack, retry, dead-letter). */
  async deliveries(outcome: string): Promise<number> {
    const metrics = this.pipeline.app.get(MetricsService);
    const values =
      (await metrics.registry.getSingleMetric('callfleet_jetstream_deliveries_total')?.get())?.values ?? [];
    return values
      .filter((v) => v.labels.consumer === RECORDING_INTAKE_CONSUMER && v.labels.outcome === outcome)
      .reduce((sum, v) => sum + v.value, 0);
  }

  async pipelineRows(): Promise<{ id: string; object_key: string; state: string }[]> {
    return this.dbs[1].query('SELECT id, object_key, state FROM recordings.recordings');
  }

  async stop(): Promise<void> {
    this.flowResponder?.unsubscribe();
    await this.pipelineService?.close();
    await this.ingest?.close();
    await this.sim?.stop();
    const jsm = await jetstreamManager(this.nc);
    for (const stream of [Streams.INGRESS.name, Streams.EVENTS.name, Streams.DEAD_LETTER.name]) {
      await jsm.streams.delete(this.ns.stream(stream)).catch(() => undefined);
    }
    await this.nc.close();
    for (const db of this.dbs) await db.drop();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}
