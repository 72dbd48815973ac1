import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FleetHeader,
  type HuntDto,
  NATS_SERVICE_ERROR_CODE,
  type ProviderAccountDto,
  Streams,
} from '@callfleet/contracts';
import { type Clock, SubjectNamespace } from '@callfleet/platform';
import { startTestService, TEST_NATS_URL, TestDatabase, testNamespace, waitFor } from '@callfleet/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { authService } from '../../auth/src/auth.definition';
import { mediaStreamService } from '../../media-stream/src/media-stream.definition';
import type { SimCall } from '../../telephony-sim/src/calls/sim-call';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
// The simulated provider, the one fake of these tests (shared with webhook-ingest's tests).
import { SIM_TWILIO, Simulator } from '../../webhook-ingest/test/simulator';
import { callOrchestratorService } from '../src/call-orchestrator.definition';

type Service = Awaited<ReturnType<typeof startTestService>>;
export type Answer<T> = { ok: true; body: T } | { ok: false; status: number; body: { code: string; message: string } };
export interface Caller {
  orgId: string;
  roles?: string[];
}

/**
 * The real path of a hunt: call-orchestrator dials the simulator through the Twilio adapter, the
 * simulator's callbacks and flow requests go through webhook-ingest (signed, normalized onto
 * INGRESS and `calls.v1.flow`), auth issues the stream tokens. Real NATS, real PostgreSQL, each
 * service on its own database; the simulator is the only fake.
 */
export class HuntFleet {
  readonly ns: SubjectNamespace;
  private firstStopped = false;

  private constructor(
    readonly namespace: string,
    readonly sim: Simulator,
    readonly ingest: Service,
    readonly auth: Service,
    readonly orchestrator: Service,
    readonly media: Service | undefined,
    readonly otherReplicas: Service[],
    readonly dbs: TestDatabase[],
    readonly orchestratorDb: TestDatabase,
    readonly nc: NatsConnection,
    private readonly keysDir: string,
  ) {
    this.ns = new SubjectNamespace(namespace);
  }

  /** `media: true` runs media-stream too (the legs' audio analysed: what `expect` steps wait for). */
  /** `replicas: 2` runs a second orchestrator on the same database (they share the work); `clock` is their time. */
  /** `env` adds to the orchestrators' environment (e.g. the hand-off's settings). */
  static async start(
    simAccount: Record<string, unknown> = {},
    options: { media?: boolean; replicas?: number; clock?: Clock; env?: Record<string, string> } = {},
  ): Promise<HuntFleet> {
    const namespace = testNamespace();
    const sim = await Simulator.start({ WEBHOOK_RETRIES: '2', LOG_LEVEL: 'warn' });
    await sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, simAccount);
    const [ingestDb, authDb, orchestratorDb] = await Promise.all([
      TestDatabase.create(),
      TestDatabase.create(),
      TestDatabase.create(),
    ]);
    const keysDir = await mkdtemp(join(tmpdir(), 'hunt-keys-'));
    const ingest = await startTestService(webhookIngestService, {
      namespace,
      databaseUrl: ingestDb.url,
      env: { DEV_PROVIDER_ACCOUNTS: 'false', LOG_LEVEL: 'warn' },
    });
    const auth = await startTestService(authService, {
      namespace,
      databaseUrl: authDb.url,
      env: { JWT_KEYS_DIR: keysDir, LOG_LEVEL: 'warn' },
    });
    const media = options.media
      ? await startTestService(mediaStreamService, { namespace, env: { LOG_LEVEL: 'warn' } })
      : undefined;
    const orchestratorEnv = {
      WEBHOOKS_PUBLIC_BASE_URL: ingest.url,
      // Without media-stream the simulator's stream finds nobody and the call goes on.
      MEDIA_STREAM_PUBLIC_URL: media ? media.url.replace(/^http/, 'ws') : 'ws://127.0.0.1:9',
      CALL_PROVIDER_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const replicas: Service[] = [];
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      replicas.push(
        await startTestService(callOrchestratorService, {
          namespace,
          databaseUrl: orchestratorDb.url,
          env: orchestratorEnv,
          clock: options.clock,
        }),
      );
    }
    const [orchestrator, ...others] = replicas;
    const nc = await connect({ servers: TEST_NATS_URL, name: 'hunts-test' });
    return new HuntFleet(
      namespace,
      sim,
      ingest,
      auth,
      orchestrator,
      media,
      others,
      [ingestDb, authDb, orchestratorDb],
      orchestratorDb,
      nc,
      keysDir,
    );
  }

  /** A plain NATS request as the gateway makes it, with the caller's identity in the fleet headers. */
  async request<T>(subject: string, body: unknown, caller: Caller): Promise<Answer<T>> {
    const h = natsHeaders();
    h.set(FleetHeader.REQUEST_ID, randomUUID());
    h.set(FleetHeader.ORG_ID, caller.orgId);
    h.set(FleetHeader.USER_ID, randomUUID());
    h.set(FleetHeader.ROLES, (caller.roles ?? ['admin']).join(','));
    const reply = await this.nc.request(this.ns.subject(subject), JSON.stringify(body), {
      timeout: 15_000,
      headers: h,
    });
    const status = reply.headers?.get(NATS_SERVICE_ERROR_CODE);
    return status ? { ok: false, status: Number(status), body: reply.json() } : { ok: true, body: reply.json<T>() };
  }

  async ok<T>(subject: string, body: unknown, caller: Caller): Promise<T> {
    const answer = await this.request<T>(subject, body, caller);
    if (!answer.ok) throw new Error(`${subject} refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** An org with a simulator account, `lines` numbers synced as lines, and a default destination. */
  async org(lines: number): Promise<{ orgId: string; account: ProviderAccountDto; lineIds: string[] }> {
    const orgId = randomUUID();
    const account = await this.ok<ProviderAccountDto>(
      'provider-accounts.v1.create',
      { provider: 'twilio', name: 'simulated', apiBaseUrl: this.sim.url, credentials: SIM_TWILIO },
      { orgId },
    );
    const lineIds: string[] = [];
    for (let i = 0; i < lines; i++) {
      const id = randomUUID();
      // What line sync writes (lines-sync's feature): the account's numbers as lines.
      await this.orchestratorDb.query(
        `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number, label, created_at)
         VALUES ($1, $2, $3, 'twilio', $4, $5, '', now() + ($6 || ' ms')::interval)`,
        [id, orgId, account.id, `PN${id.replace(/-/g, '')}`, `+1500555${String(1000 + i)}`, String(i)],
      );
      lineIds.push(id);
    }
    await this.orchestratorDb.query(
      `INSERT INTO orchestrator.destinations (id, org_id, name, kind, number, is_default) VALUES ($1, $2, 'queue', 'phone', '+15550109999', true)`,
      [randomUUID(), orgId],
    );
    return { orgId, account, lineIds };
  }

  hunt(orgId: string, id: string): Promise<HuntDto> {
    return this.ok<HuntDto>('hunts.v1.get', { id }, { orgId, roles: ['viewer'] });
  }

  waitForHunt(orgId: string, id: string, ready: (hunt: HuntDto) => boolean, what: string, timeoutMs = 30_000) {
    return waitFor(
      async () => {
        const hunt = await this.hunt(orgId, id);
        return ready(hunt) && hunt;
      },
      timeoutMs,
      what,
    );
  }

  async simCall(sid: string): Promise<SimCall> {
    return this.sim.admin<SimCall>('GET', `/calls/${sid}`);
  }

  /**
   * The digits the far end of `sid` heard, once it heard at least `count` (or what it heard after 10 s).
   * A leg's move past an IVR step commits just before that step's digits leave for the provider, so a
   * test that sees the move waits here for the digits rather than reading them at once.
   */
  async digitsHeard(sid: string | null, count: number): Promise<string> {
    let heard = '';
    await waitFor(
      async () => {
        heard = (await this.simCall(sid ?? '')).digitsReceived.join('');
        return heard.length >= count;
      },
      10_000,
      `${count} digits heard on ${sid}`,
    ).catch(() => undefined);
    return heard;
  }

  /** Stops the first replica (the others go on with its work); `stop()` then skips it. */
  async stopFirstReplica(): Promise<void> {
    await this.orchestrator.close();
    this.firstStopped = true;
  }

  /** Every call the simulator got to `to`. */
  async simCallsTo(to: string): Promise<SimCall[]> {
    return (await this.sim.admin<{ items: SimCall[] }>('GET', `/calls?to=${encodeURIComponent(to)}`)).items;
  }

  /** Lines of the org still leased. */
  async leasedLines(orgId: string): Promise<number> {
    const [row] = await this.orchestratorDb.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE org_id = $1 AND leased_hunt_id IS NOT NULL',
      [orgId],
    );
    return row.n;
  }

  /** Publishes a provider event on INGRESS as webhook-ingest does, under its own message id. */
  async publishIngress(subject: string, event: unknown): Promise<void> {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', randomUUID());
    await jetstream(this.nc).publish(this.ns.subject(subject), JSON.stringify(event), { headers: h });
  }

  async stop(): Promise<void> {
    for (const replica of this.otherReplicas) await replica.close();
    if (!this.firstStopped) await this.orchestrator?.close();
    await this.media?.close();
    await this.auth?.close();
    await this.ingest?.close();
    await this.sim?.stop();
    const jsm = await jetstreamManager(this.nc);
    for (const stream of [Streams.INGRESS.name, Streams.EVENTS.name, Streams.DEAD_LETTER.name]) {
      await jsm.streams.delete(this.ns.stream(stream)).catch(() => undefined);
    }
    await this.nc.close();
    for (const db of this.dbs) await db.drop();
    await rm(this.keysDir, { recursive: true, force: true });
  }
}
