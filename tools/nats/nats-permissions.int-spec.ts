import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthCommands,
  type CommandDescriptor,
  type CreatedApiKeyDto,
  FleetHeader,
  KvBuckets,
  type ListDto,
  MediaCommands,
  MediaEvents,
  MediaSubjects,
  NATS_SERVICE_ERROR_CODE,
  type ProviderAccountDto,
  Streams,
  teamExportSubject,
} from '@callfleet/contracts';
import {
  fleetInboxPrefix,
  natsUsageOf,
  type ServiceDefinition,
  SubjectNamespace,
  subjectMatches,
} from '@callfleet/platform';
import { startTestService, TestDatabase, TestNatsServer, testNamespace, waitFor } from '@callfleet/testing';
import { jetstream } from '@nats-io/jetstream';
import {
  connect,
  type Msg,
  type NatsConnection,
  headers as natsHeaders,
  PermissionViolationError,
} from '@nats-io/transport-node';
import { authService } from '../../apps/auth/src/auth.definition';
import { gatewayService } from '../../apps/gateway/src/gateway.definition';
import { GatewayClient, registration, type TokenPair } from '../../apps/gateway/test/gateway-fleet';
import { SseClient } from '../../apps/gateway/test/sse-client';
import { LiveHumanPublisher } from '../../apps/media-stream/src/detection/live-human.publisher';
import { LineMemoryStore } from '../../apps/media-stream/src/line-memory/line-memory.store';
import { CallDirectory } from '../../apps/media-stream/src/listen/call-directory';
import { MediaSessionRegistry } from '../../apps/media-stream/src/media-sessions/media-session.registry';
import { mediaStreamService } from '../../apps/media-stream/src/media-stream.definition';
import { FakeMediaSession, silence } from '../../apps/media-stream/test/fake-media-session';
import { webhookIngestService } from '../../apps/webhook-ingest/src/webhook-ingest.definition';
import { echoService } from '../../libs/platform/test/echo.fixture';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import { fleetDurables, natsUserNames, renderNatsServerConfig } from './nats-server-config';

const namespace = testNamespace();
const ns = new SubjectNamespace(namespace);
const passwords = Object.fromEntries(natsUserNames(FLEET_DEFINITIONS).map((user) => [user, `secret-${user}-pw`]));
const credentialsOf = (user: string) => ({ user, password: passwords[user] });

/** Every command the fleet sends or answers, as the definitions name them. */
const FLEET_COMMANDS: CommandDescriptor[] = [
  ...new Map(
    FLEET_DEFINITIONS.flatMap((d) => [...(d.nats?.serves ?? []), ...(d.nats?.calls ?? [])]).map((c) => [c.subject, c]),
  ).values(),
];

/** One concrete subject under each stream of the fleet (and each declared publish filter). */
const STREAM_SUBJECTS = [
  ...new Set(
    [
      ...Object.values(Streams).flatMap((s) => s.subjects),
      ...FLEET_DEFINITIONS.flatMap((d) => d.nats?.publishes ?? []),
    ].map((filter) => filter.replace(/>$/, 'probe.v1.x').replace(/\*/g, 'probe')),
  ),
];

/** Every plain core subject (filter) any service declares, and a concrete subject under each. */
const CORE_FILTERS = [
  ...new Set(
    FLEET_DEFINITIONS.flatMap((d) => [...(d.nats?.core?.publishes ?? []), ...(d.nats?.core?.subscribes ?? [])]),
  ),
];
const concrete = (filter: string) => filter.replace(/>$/, 'probe').replace(/\*/g, 'probe');

/**
 * A connection as one broker user, reporting whether the broker refused what it just did. The broker
 * answers a refused subscription or publish with `-ERR Permissions Violation` before the PONG of the
 * next flush, so after a flush the verdict is in.
 */
class BrokerUser {
  private readonly refusals: PermissionViolationError[] = [];

  private constructor(readonly nc: NatsConnection) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'error' && status.error instanceof PermissionViolationError)
          this.refusals.push(status.error);
      }
    })();
  }

  static async connect(url: string, user: string): Promise<BrokerUser> {
    const nc = await connect({
      servers: url,
      user,
      pass: passwords[user],
      inboxPrefix: fleetInboxPrefix(user),
      reconnect: false,
    });
    return new BrokerUser(nc);
  }

  private async refused(act: () => void, subject: string): Promise<boolean> {
    const before = this.refusals.length;
    act();
    await this.nc.flush();
    await new Promise((resolve) => setImmediate(resolve));
    return this.refusals.slice(before).some((refusal) => refusal.subject === subject);
  }

  /** Whether the broker refuses a subscription to `subject` (in `queue`). */
  async subscribeRefused(subject: string, queue?: string): Promise<boolean> {
    let sub: ReturnType<NatsConnection['subscribe']> | undefined;
    const refused = await this.refused(() => {
      sub = this.nc.subscribe(subject, queue ? { queue } : {});
    }, subject);
    sub?.unsubscribe();
    return refused;
  }

  /** Whether the broker refuses a publish to `subject`. */
  publishRefused(subject: string): Promise<boolean> {
    return this.refused(() => this.nc.publish(subject, '{}'), subject);
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

describe('the broker permissions generated from the service definitions', () => {
  let server: TestNatsServer;

  beforeAll(async () => {
    server = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        renderNatsServerConfig(FLEET_DEFINITIONS, {
          namespace,
          listen: `127.0.0.1:${port}`,
          storeDir,
          passwords: { kind: 'literal', byUser: passwords },
        }),
    });
  });
  afterAll(() => server?.dispose());

  it('refuses a client without credentials, or with another user’s password', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
    await expect(
      connect({ servers: server.url, user: 'auth', pass: passwords.gateway, reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/i);
  });

  describe.each(FLEET_DEFINITIONS.map((d) => [d.name, d] as [string, ServiceDefinition]))('%s', (name, definition) => {
    const usage = natsUsageOf(definition);
    const others = FLEET_DEFINITIONS.filter((d) => d.name !== name);
    let user: BrokerUser;

    beforeAll(async () => {
      user = await BrokerUser.connect(server.url, name);
    });
    afterAll(() => user?.close());

    it('may subscribe its commands in its queue group (their team form too), its inbox and discovery', async () => {
      for (const command of usage.serves) {
        expect({
          command: command.subject,
          refused: await user.subscribeRefused(ns.subject(command.subject), name),
        }).toEqual({
          command: command.subject,
          refused: false,
        });
        if (command.public) {
          expect(await user.subscribeRefused(ns.subject(teamExportSubject(command.subject)), name)).toBe(false);
        }
      }
      expect(await user.subscribeRefused(`${fleetInboxPrefix(name)}.anything`)).toBe(false);
      expect(await user.subscribeRefused(`$SRV.PING.${name}`)).toBe(false);
    });

    it('may send the commands it calls and publish to its own stream subjects', async () => {
      for (const command of usage.calls) expect(await user.publishRefused(ns.subject(command.subject))).toBe(false);
      for (const subject of STREAM_SUBJECTS.filter((s) => usage.publishes.some((f) => subjectMatches(f, s)))) {
        expect({ subject, refused: await user.publishRefused(ns.subject(subject)) }).toEqual({
          subject,
          refused: false,
        });
      }
    });

    it('may publish and subscribe its core subjects, outside any queue group', async () => {
      for (const filter of usage.core.publishes) {
        expect({ filter, refused: await user.publishRefused(ns.subject(concrete(filter))) }).toEqual({
          filter,
          refused: false,
        });
      }
      for (const filter of usage.core.subscribes) {
        expect({ filter, refused: await user.subscribeRefused(ns.subject(filter)) }).toEqual({
          filter,
          refused: false,
        });
        expect(await user.subscribeRefused(ns.subject(concrete(filter)))).toBe(false);
      }
    });

    it('may not publish nor subscribe core subjects it did not declare, nor wider ones', async () => {
      const foreignPublishes = CORE_FILTERS.filter(
        (f) => !usage.core.publishes.some((own) => subjectMatches(own, concrete(f))),
      );
      for (const filter of foreignPublishes) {
        expect({ filter, refused: await user.publishRefused(ns.subject(concrete(filter))) }).toEqual({
          filter,
          refused: true,
        });
      }
      const foreignSubscribes = CORE_FILTERS.filter((f) => !usage.core.subscribes.includes(f));
      for (const filter of foreignSubscribes) {
        expect({ filter, refused: await user.subscribeRefused(ns.subject(filter)) }).toEqual({
          filter,
          refused: true,
        });
      }
      expect(await user.subscribeRefused(ns.subject('media.v1.>'))).toBe(true);
    });

    it('may not read every reply, nor another service’s', async () => {
      expect(await user.subscribeRefused('_INBOX.>')).toBe(true);
      for (const other of others) expect(await user.subscribeRefused(`${fleetInboxPrefix(other.name)}.>`)).toBe(true);
    });

    // Only for services that answer commands; the others have no reply to send.
    if (usage.serves.length > 0)
      it('answers a caller from another of its connections (a reconnect to another node mid-request)', async () => {
        const caller = FLEET_DEFINITIONS.find((d) => d.nats?.calls?.some((c) => usage.serves.includes(c)));
        const callerConnection = await BrokerUser.connect(server.url, caller?.name ?? name);
        const received = await BrokerUser.connect(server.url, name);
        const answering = await BrokerUser.connect(server.url, name);
        try {
          const subject = ns.subject(usage.serves[0].subject);
          const sub = received.nc.subscribe(subject, { queue: name, max: 1 });
          await received.nc.flush();
          const reply = callerConnection.nc.request(subject, '{}', { timeout: 3_000 });
          for await (const message of sub) {
            // The connection that received it is gone; the service answers on its new one.
            answering.nc.publish(message.reply as string, '{"answered":true}');
          }
          expect((await reply).json()).toEqual({ answered: true });
        } finally {
          await Promise.all([callerConnection.close(), received.close(), answering.close()]);
        }
      });

    it('may not take its commands outside its queue group, nor anyone else’s in it', async () => {
      for (const command of usage.serves) {
        expect(await user.subscribeRefused(ns.subject(command.subject))).toBe(true);
        expect(await user.subscribeRefused(ns.subject(command.subject), 'eavesdroppers')).toBe(true);
      }
      for (const command of FLEET_COMMANDS.filter((c) => !usage.serves.includes(c))) {
        expect({
          command: command.subject,
          refused: await user.subscribeRefused(ns.subject(command.subject), name),
        }).toEqual({
          command: command.subject,
          refused: true,
        });
      }
    });

    it('may not send a command it does not call, nor a team’s form of any', async () => {
      for (const command of FLEET_COMMANDS.filter((c) => !usage.calls.some((called) => called.subject === c.subject))) {
        expect({ command: command.subject, refused: await user.publishRefused(ns.subject(command.subject)) }).toEqual({
          command: command.subject,
          refused: true,
        });
      }
      expect(await user.publishRefused(ns.subject(teamExportSubject(AuthCommands.Me.subject)))).toBe(true);
    });

    it('may not publish to a stream subject it does not publish', async () => {
      const foreign = STREAM_SUBJECTS.filter((s) => !usage.publishes.some((f) => subjectMatches(f, s)));
      expect(foreign.length).toBeGreaterThan(0);
      for (const subject of foreign) {
        expect({ subject, refused: await user.publishRefused(ns.subject(subject)) }).toEqual({
          subject,
          refused: true,
        });
      }
    });

    it('may not read stored messages of any stream, nor touch a stream it does not own', async () => {
      for (const stream of Object.values(Streams).map((s) => ns.stream(s.name))) {
        expect(await user.publishRefused(`$JS.API.STREAM.MSG.GET.${stream}`)).toBe(true);
        expect(await user.publishRefused(`$JS.API.STREAM.DELETE.${stream}`)).toBe(true);
        expect(await user.publishRefused(`$JS.API.STREAM.PURGE.${stream}`)).toBe(true);
      }
      for (const stream of Object.values(Streams).filter((s) => !usage.streams.includes(s.name))) {
        expect(await user.publishRefused(`$JS.API.STREAM.UPDATE.${ns.stream(stream.name)}`)).toBe(true);
        expect(await user.publishRefused(`$JS.API.CONSUMER.CREATE.${ns.stream(stream.name)}.spy.>`)).toBe(true);
      }
    });

    it('may not pull from, delete or redefine another service’s durable, nor follow a filter it did not declare', async () => {
      const own = new Set(usage.consumes.map((c) => `${c.event.stream}/${c.durable}`));
      const foreign = fleetDurables(FLEET_DEFINITIONS).filter((d) => !own.has(`${d.stream}/${d.durable}`));
      for (const { stream, durable } of foreign) {
        const name = ns.stream(stream);
        for (const subject of [
          `$JS.API.CONSUMER.MSG.NEXT.${name}.${durable}`,
          `$JS.API.CONSUMER.DELETE.${name}.${durable}`,
          `$JS.API.CONSUMER.CREATE.${name}.${durable}`,
          `$JS.API.CONSUMER.CREATE.${name}.${durable}.${ns.subject('events.hunts.v1.>')}`,
        ]) {
          expect({ subject, refused: await user.publishRefused(subject) }).toEqual({ subject, refused: true });
        }
      }
      // A live reader of EVENTS (the gateway) may not widen its filter to everything (auth's events).
      const events = ns.stream(Streams.EVENTS.name);
      expect(await user.publishRefused(`$JS.API.CONSUMER.CREATE.${events}.spy.${ns.subject('events.>')}`)).toBe(true);
      expect(await user.publishRefused(`$JS.API.CONSUMER.CREATE.${events}.spy`)).toBe(true);
    });

    it('may not use a KV bucket it does not use', async () => {
      const foreign = Object.values(KvBuckets).filter((bucket) => !usage.kv.includes(bucket));
      expect(foreign.length).toBeGreaterThan(0);
      for (const bucket of foreign.map((b) => ns.bucket(b))) {
        expect(await user.publishRefused(`$KV.${bucket}.probe`)).toBe(true);
        expect(await user.publishRefused(`$JS.API.DIRECT.GET.KV_${bucket}.$KV.${bucket}.probe`)).toBe(true);
        expect(await user.publishRefused(`$JS.API.STREAM.INFO.KV_${bucket}`)).toBe(true);
      }
    });
  });

  describe('a team user', () => {
    let team: BrokerUser;
    const publicCommands = FLEET_COMMANDS.filter((c) => c.public);
    const internalCommands = FLEET_COMMANDS.filter((c) => !c.public);

    beforeAll(async () => {
      team = await BrokerUser.connect(server.url, 'team');
    });
    afterAll(() => team?.close());

    it('may send the public commands and read its own inbox', async () => {
      expect(publicCommands.length).toBeGreaterThan(0);
      for (const command of publicCommands) expect(await team.publishRefused(ns.subject(command.subject))).toBe(false);
      expect(await team.subscribeRefused(`${fleetInboxPrefix('team')}.x`)).toBe(false);
    });

    it('may send nothing internal and read no one’s traffic', async () => {
      for (const command of internalCommands) expect(await team.publishRefused(ns.subject(command.subject))).toBe(true);
      for (const subject of STREAM_SUBJECTS) expect(await team.publishRefused(ns.subject(subject))).toBe(true);
      expect(await team.publishRefused('$JS.API.INFO')).toBe(true);
      for (const subject of ['_INBOX.>', `${fleetInboxPrefix('auth')}.>`, ns.subject('events.>'), ns.subject('>')]) {
        expect(await team.subscribeRefused(subject)).toBe(true);
      }
      for (const command of publicCommands) expect(await team.subscribeRefused(ns.subject(command.subject))).toBe(true);
    });

    it('gets no live media: the TEAMS account is shared by orgs, so a media subject would leak other orgs’ calls', async () => {
      expect(CORE_FILTERS.length).toBeGreaterThan(0);
      for (const filter of CORE_FILTERS) {
        expect(await team.subscribeRefused(ns.subject(filter))).toBe(true);
        expect(await team.publishRefused(ns.subject(concrete(filter)))).toBe(true);
      }
      expect(await team.publishRefused(ns.subject('media.v1.listen'))).toBe(true);
    });
  });

  it('shows a service what the broker refused it: a counter by subject and a log line, no secret in either', async () => {
    // The platform's echo fixture borrows media-stream's name; media-stream's user answers no echo command.
    const echo = await startTestService(echoService, {
      namespace,
      natsUrl: server.url,
      natsCredentials: credentialsOf('media-stream'),
    });
    try {
      const metrics = await waitFor(async () => {
        const text = await (await fetch(`${echo.url}/metrics`)).text();
        return /callfleet_nats_permission_violations_total\{[^}]*subject="echo\.v1\.repeat"/.test(text) && text;
      });
      expect(metrics).toMatch(
        /callfleet_nats_permission_violations_total\{operation="subscription",subject="echo\.v1\.repeat",service="media-stream"\} 1/,
      );
      expect(echo.logs.text()).toContain(
        `the broker refused a subscription to ${ns.subject('echo.v1.repeat')} (queue media-stream)`,
      );
      expect(echo.logs.text()).not.toContain(passwords['media-stream']);
    } finally {
      await echo.close();
    }
  });

  /**
   * Live media as the orchestrator will use it, under the generated users: media-stream creates its
   * buckets, publishes signals, answers media.v1.listen with the audio, plays what it is sent and
   * stores the live-human decision; call-orchestrator's user (a plain client until that service
   * speaks for itself) reads and sends exactly that.
   */
  describe('live media under the fleet’s users', () => {
    let media: Awaited<ReturnType<typeof startTestService>>;
    let orchestrator: BrokerUser;
    let refusedBefore = 0;

    beforeAll(async () => {
      refusedBefore = server.permissionViolations().length;
      media = await startTestService(mediaStreamService, {
        namespace,
        natsUrl: server.url,
        natsCredentials: credentialsOf('media-stream'),
      });
      orchestrator = await BrokerUser.connect(server.url, 'call-orchestrator');
    });
    afterAll(async () => {
      await orchestrator?.close();
      await media?.close();
    });

    it('streams signals and, on listen, audio to the orchestrator, and plays its audio, with no permission refused', async () => {
      const orgId = randomUUID();
      const session = new FakeMediaSession({ orgId, bidirectional: true, line: 'line-1' });
      const seen: Msg[] = [];
      const ws = [MediaSubjects.SIGNALS_ALL, MediaSubjects.AUDIO_ALL].map((filter) =>
        orchestrator.nc.subscribe(ns.subject(filter), { callback: (_e, msg) => void seen.push(msg) }),
      );
      await orchestrator.nc.flush();
      media.app.get(MediaSessionRegistry).add(session);
      const directory = media.app.get(CallDirectory);
      await waitFor(async () => (await directory.lookup(session.info.callId)) !== null, 10_000, 'the call held');

      const h = natsHeaders();
      h.set(FleetHeader.REQUEST_ID, randomUUID());
      h.set(FleetHeader.ORG_ID, orgId);
      const reply = await orchestrator.nc.request(
        ns.subject(MediaCommands.Listen.subject),
        JSON.stringify({ callId: session.info.callId, durationSeconds: 60 }),
        { headers: h, timeout: 5_000 },
      );
      expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE)).toBeUndefined();
      session.frames(...silence(5));
      await waitFor(async () => seen.filter((m) => m.subject.includes('.audio.')).length === 5, 10_000, 'the audio');
      expect(seen.some((m) => m.subject === ns.subject(MediaSubjects.signals(session.info.callId)))).toBe(true);

      orchestrator.nc.publish(ns.subject(MediaSubjects.play(session.info.callId)), new Uint8Array([1, 0]));
      await waitFor(async () => session.played.length === 1, 10_000, 'the audio played');

      await media.app.get(LiveHumanPublisher).publish(session.info, {
        callId: session.info.callId,
        atMs: 100,
        kind: 'live-human',
        confidence: 0.9,
        evidence: ['novel-speech'],
      });
      session.end('stop');
      await media.app.get(LineMemoryStore).flushAll();
      for (const sub of ws) sub.unsubscribe();

      const metrics = await (await fetch(`${media.url}/metrics`)).text();
      expect(metrics).toMatch(
        /callfleet_media_live_human_publishes_total\{outcome="stored",service="media-stream"\} 1/,
      );
      expect(server.permissionViolations().slice(refusedBefore)).toEqual([]);
      expect(metrics).not.toMatch(/^callfleet_nats_permission_violations_total\{/m);
    });
  });

  /**
   * Permissions that only refuse prove little: the fleet must also work under them. auth,
   * webhook-ingest and the gateway run as their users on this broker, and one flow goes through
   * every kind of use (commands, the outbox and a durable consumer, KV buckets and their watches).
   */
  describe('the fleet under its users', () => {
    const databases: TestDatabase[] = [];
    const services: Awaited<ReturnType<typeof startTestService>>[] = [];
    let api: GatewayClient;
    let gatewayMetrics: () => Promise<string>;
    /** The probes above were refused on purpose; only what comes after counts. */
    let refusedBefore = 0;

    beforeAll(async () => {
      refusedBefore = server.permissionViolations().length;
      const start = async (definition: ServiceDefinition, env: Record<string, string>, database: boolean) => {
        const db = database ? await TestDatabase.create() : undefined;
        if (db) databases.push(db);
        const service = await startTestService(definition, {
          namespace,
          natsUrl: server.url,
          natsCredentials: credentialsOf(definition.name),
          databaseUrl: db?.url,
          env,
        });
        services.push(service);
        return service;
      };
      const keysDir = mkdtempSync(join(tmpdir(), 'nats-permissions-keys-'));
      await start(authService as unknown as ServiceDefinition, { JWT_KEYS_DIR: keysDir }, true);
      await start(webhookIngestService as unknown as ServiceDefinition, { DEV_PROVIDER_ACCOUNTS: 'true' }, true);
      const gateway = await start(gatewayService as unknown as ServiceDefinition, {}, false);
      api = new GatewayClient(gateway.url);
      gatewayMetrics = async () => (await fetch(`${gateway.url}/metrics`)).text();
    });

    afterAll(async () => {
      for (const service of services.reverse()) await service.close();
      for (const db of databases) await db.drop();
    });

    it('registers, reads /me and the new org’s provider accounts, with no permission refused', async () => {
      const registered = await api.api<TokenPair>('POST', '/auth/register', { body: registration('nats-permissions') });
      expect(registered.status).toBe(201);
      const token = registered.body.accessToken;
      const me = await api.api<{ user: { email: string } }>('GET', '/auth/me', { token });
      expect(me.status).toBe(200);
      // webhook-ingest's consumer of user-registered (fed by auth's outbox) gives the org its account.
      const [account] = await waitFor(async () => {
        const list = await api.api<ListDto<ProviderAccountDto>>('GET', '/provider-accounts', { token });
        return list.status === 200 && list.body.items.length > 0 && list.body.items;
      });
      expect(account).toMatchObject({ provider: 'twilio' });
      // An API key (auth.v1.api-keys.verify), and a logout (auth writes the revoked-tokens bucket).
      const key = await api.api<CreatedApiKeyDto>('POST', '/api-keys', { token, body: { name: 'ops', role: 'admin' } });
      expect(key.status).toBe(201);
      const byKey = await api.api('GET', '/provider-accounts', { headers: { 'x-api-key': key.body.key } });
      expect(byKey.status).toBe(200);
      const logout = await api.api('POST', '/auth/logout', {
        token,
        body: { refreshToken: registered.body.refreshToken },
      });
      expect(logout.status).toBeLessThan(300);
      await waitFor(
        async () => (await api.api('GET', '/auth/me', { token })).status === 401,
        5_000,
        'the logout to be seen',
      );

      expect(server.permissionViolations().slice(refusedBefore)).toEqual([]);
      for (const service of services) {
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        expect(metrics).not.toMatch(/^callfleet_nats_permission_violations_total\{/m);
      }
    });

    it('streams live events to a browser (a ticket in KV, an ordered consumer on EVENTS), with no permission refused', async () => {
      const registered = await api.api<TokenPair>('POST', '/auth/register', { body: registration('nats-live') });
      const token = registered.body.accessToken;
      const orgId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).org;
      const ticket = await api.api<{ ticket: string }>('POST', '/events/tickets', { token });
      expect(ticket.status).toBe(201);
      const stream = await SseClient.open(`${api.baseUrl}/api/v1/events?types=media&ticket=${ticket.body.ticket}`);
      try {
        expect(stream.status).toBe(200);
        await waitFor(async () => stream.named('ready').length > 0, 10_000, 'the stream to be ready');
        // media-stream publishes its live-human decisions to EVENTS under its own user.
        const media = await BrokerUser.connect(server.url, 'media-stream');
        const envelope = {
          id: randomUUID(),
          type: MediaEvents.LIVE_HUMAN_DETECTED,
          occurredAt: new Date().toISOString(),
          orgId,
          correlationId: null,
          data: { callId: 'call-1', confidence: 0.9 },
        };
        await jetstream(media.nc).publish(ns.subject(MediaEvents.LIVE_HUMAN_DETECTED), JSON.stringify(envelope));
        await media.close();
        await waitFor(async () => stream.events().length === 1, 10_000, 'the event on the stream');
        expect(stream.events()[0].envelope).toMatchObject({ id: envelope.id, orgId });
      } finally {
        stream.close();
      }
      await waitFor(
        async () => (await gatewayMetrics()).includes('callfleet_live_event_streams_open{service="gateway"} 0'),
        10_000,
        'the stream to close',
      );
      expect(server.permissionViolations().slice(refusedBefore)).toEqual([]);
      expect(await gatewayMetrics()).not.toMatch(/^callfleet_nats_permission_violations_total\{/m);
    });
  });
});
