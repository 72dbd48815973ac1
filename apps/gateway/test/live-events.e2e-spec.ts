import { randomUUID } from 'node:crypto';
import { type CreatedApiKeyDto, Streams } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { plainNatsClient, startTestService, waitFor } from '@callfleet/testing';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { gatewayService } from '../src/gateway.definition';
import { envelopeOf, type GatewayClient, GatewayFleet, registration, type TokenPair } from './gateway-fleet';
import { SseClient } from './sse-client';

const GATEWAY_ENV = {
  RATE_LIMIT_REGISTER: '50/15m',
  RATE_LIMIT_ANONYMOUS: '1000/15m',
  LIVE_EVENTS_HEARTBEAT_SECONDS: '1',
  LIVE_EVENTS_MAX_PER_ORG: '3',
  LIVE_EVENTS_SLOW_CLIENT_MS: '1000',
};

interface Org {
  token: string;
  orgId: string;
}

/** The org id a token is for (its `org` claim). */
function orgOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).org;
}

/**
 * GET /api/v1/events (Server-Sent Events from JetStream EVENTS) and POST /api/v1/events/tickets,
 * on two gateway replicas and auth, real NATS and PostgreSQL. The events are published to the
 * stream by the test in the envelope the outbox writes, as call-orchestrator's outbox will.
 */
describe('gateway: live events (SSE from JetStream, tickets)', () => {
  let fleet: GatewayFleet;
  let api: GatewayClient;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let ns: SubjectNamespace;
  let a: Org;
  let b: Org;
  const open: SseClient[] = [];

  /** Publishes an event in the outbox's envelope; returns its stream sequence. */
  async function publish(type: string, orgId: string | null, data: Record<string, unknown>, pad = 0): Promise<number> {
    const envelope = {
      id: randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      orgId,
      correlationId: null,
      data: pad ? { ...data, pad: 'x'.repeat(pad) } : data,
    };
    const ack = await js.publish(ns.subject(type), JSON.stringify(envelope), { msgID: envelope.id });
    return ack.seq;
  }

  function url(query = '', replica = 0): string {
    return `${fleet.client(replica).baseUrl}/api/v1/events${query}`;
  }

  /** Opens a stream and waits until it is live (its `ready` event). */
  async function stream(
    query: string,
    headers: Record<string, string>,
    options: { replica?: number; paused?: boolean } = {},
  ): Promise<SseClient> {
    const client = await SseClient.open(url(query, options.replica), headers, { paused: options.paused });
    open.push(client);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    if (!options.paused) await waitFor(async () => client.named('ready').length > 0, 10_000, 'the stream to be ready');
    return client;
  }

  const bearer = (org: Org) => ({ authorization: `Bearer ${org.token}` });

  async function register(label: string): Promise<Org> {
    const answer = await api.api<TokenPair>('POST', '/auth/register', { body: registration(label) });
    expect(answer.status).toBe(201);
    return { token: answer.body.accessToken, orgId: orgOf(answer.body.accessToken) };
  }

  async function consumerNames(): Promise<Set<string>> {
    const names = new Set<string>();
    for await (const info of jsm.consumers.list(ns.stream(Streams.EVENTS.name))) names.add(info.name);
    return names;
  }

  beforeAll(async () => {
    fleet = await GatewayFleet.start(GATEWAY_ENV);
    api = fleet.client();
    ns = new SubjectNamespace(fleet.namespace);
    nc = await plainNatsClient();
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    // The stream call-orchestrator and media-stream publish to (each creates it at start).
    await jsm.streams.add({ name: ns.stream(Streams.EVENTS.name), subjects: [ns.subject('events.>')] });
    a = await register('live-a');
    b = await register('live-b');
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await nc?.close();
    await fleet?.stop();
  });

  it('gives each org its own events only, in order, with the stream sequence as id', async () => {
    const streamA = await stream('?types=hunts', bearer(a));
    const streamB = await stream('', bearer(b), { replica: 1 });
    const huntA = randomUUID();
    const huntB = randomUUID();
    const seqs = [
      await publish('events.hunts.v1.created', a.orgId, { huntId: huntA }),
      await publish('events.hunts.v1.created', b.orgId, { huntId: huntB }),
      await publish('events.hunts.v1.leg-status-changed', a.orgId, { huntId: huntA, status: 'ringing' }),
      // Not the hunts family, nor anyone's org: on no hunts stream.
      await publish('events.calls.v1.created', a.orgId, { callId: 'c1' }),
      await publish('events.hunts.v1.created', null, { huntId: huntA }),
      await publish('events.hunts.v1.won', a.orgId, { huntId: huntA }),
      await publish('events.hunts.v1.won', b.orgId, { huntId: huntB }),
    ];
    await waitFor(
      async () => streamA.events().length >= 3 && streamB.events().length >= 2,
      10_000,
      'both orgs’ events',
    );
    expect(streamA.events().map((e) => [e.id, e.envelope.type])).toEqual([
      [seqs[0], 'events.hunts.v1.created'],
      [seqs[2], 'events.hunts.v1.leg-status-changed'],
      [seqs[5], 'events.hunts.v1.won'],
    ]);
    expect(streamA.events().every((e) => e.envelope.orgId === a.orgId)).toBe(true);
    // B's last event is stored after every one of A's: had any of A's reached B, it would be here.
    expect(streamB.events().map((e) => [e.id, e.envelope.orgId])).toEqual([
      [seqs[1], b.orgId],
      [seqs[6], b.orgId],
    ]);
  });

  it('lets any role of the org read (an API key of the viewer role)', async () => {
    const key = await api.api<CreatedApiKeyDto>('POST', '/api-keys', {
      token: a.token,
      body: { name: 'wallboard', role: 'viewer' },
    });
    expect(key.status).toBe(201);
    const viewer = await stream('', { 'x-api-key': key.body.key });
    const seq = await publish('events.hunts.v1.cancelled', a.orgId, { huntId: randomUUID() });
    await waitFor(async () => viewer.events().length === 1, 10_000, 'the viewer’s event');
    expect(viewer.events()[0].id).toBe(seq);
  });

  it('sends only the hunt asked for, and only the event types asked for', async () => {
    const wanted = randomUUID();
    const byHunt = await stream(`?huntId=${wanted}`, bearer(a));
    const byType = await stream('?types=events.hunts.v1.connected,events.hunts.v1.failed', bearer(a));
    await publish('events.hunts.v1.connected', a.orgId, { huntId: randomUUID() });
    await publish('events.hunts.v1.leg-status-changed', a.orgId, { huntId: wanted });
    await publish('events.hunts.v1.connected', a.orgId, { huntId: wanted });
    await waitFor(
      async () => byHunt.events().length === 2 && byType.events().length === 2,
      10_000,
      'the filtered events',
    );
    expect(byHunt.events().map((e) => [e.envelope.type, e.envelope.data.huntId])).toEqual([
      ['events.hunts.v1.leg-status-changed', wanted],
      ['events.hunts.v1.connected', wanted],
    ]);
    expect(byType.events().map((e) => e.envelope.type)).toEqual([
      'events.hunts.v1.connected',
      'events.hunts.v1.connected',
    ]);
  });

  it('resumes with Last-Event-ID with exactly the events after it', async () => {
    const hunt = randomUUID();
    const first = await publish('events.hunts.v1.created', a.orgId, { huntId: hunt, n: 1 });
    await publish('events.hunts.v1.created', b.orgId, { huntId: randomUUID() });
    const second = await publish('events.hunts.v1.leg-status-changed', a.orgId, { huntId: hunt, n: 2 });
    const third = await publish('events.hunts.v1.human-detected', a.orgId, { huntId: hunt, n: 3 });
    const resumed = await stream(`?huntId=${hunt}`, { ...bearer(a), 'last-event-id': String(first) }, { replica: 1 });
    // The stream starts where the client was: its ready event carries that id.
    expect(resumed.named('ready')[0].id).toBe(String(first));
    const fourth = await publish('events.hunts.v1.won', a.orgId, { huntId: hunt, n: 4 });
    await waitFor(async () => resumed.events().some((e) => e.id === fourth), 10_000, 'the live event after the replay');
    expect(resumed.events().map((e) => e.id)).toEqual([second, third, fourth]);
    expect(resumed.events().map((e) => e.envelope.data.n)).toEqual([2, 3, 4]);
  });

  it('starts from now without Last-Event-ID, and its ready event says where', async () => {
    const before = await publish('events.hunts.v1.created', a.orgId, { huntId: randomUUID() });
    const fresh = await stream('', bearer(a));
    expect(Number(fresh.named('ready')[0].id)).toBeGreaterThanOrEqual(before);
    const after = await publish('events.hunts.v1.created', a.orgId, { huntId: randomUUID() });
    await waitFor(async () => fresh.events().length === 1, 10_000, 'the new event');
    expect(fresh.events()[0].id).toBe(after);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const quiet = await stream('?types=calls', bearer(b));
    await waitFor(async () => quiet.comments.includes('heartbeat'), 10_000, 'a heartbeat');
    expect(quiet.events()).toEqual([]);
  });

  it('deletes the stream’s consumer when the client goes away', async () => {
    const before = await consumerNames();
    const client = await stream('', bearer(a));
    const added = [...(await consumerNames())].filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    client.close();
    await waitFor(async () => !(await consumerNames()).has(added[0]), 10_000, 'the consumer to be deleted');
  });

  it('takes a ticket once, on any replica, instead of the Authorization header', async () => {
    const issued = await api.api<{ ticket: string; expiresAt: string }>('POST', '/events/tickets', { token: a.token });
    expect(issued.status).toBe(201);
    expect(issued.body.ticket).toMatch(/^evt_/);
    const lifetimeMs = Date.parse(issued.body.expiresAt) - fleet.clock.nowMs();
    expect(lifetimeMs).toBeGreaterThan(0);
    expect(lifetimeMs).toBeLessThanOrEqual(60_000);
    const byTicket = await stream(`?ticket=${issued.body.ticket}`, {}, { replica: 1 });
    const seq = await publish('events.hunts.v1.created', a.orgId, { huntId: randomUUID() });
    await waitFor(async () => byTicket.events().length === 1, 10_000, 'the ticket holder’s event');
    expect(byTicket.events()[0]).toMatchObject({ id: seq, envelope: { orgId: a.orgId } });
    byTicket.close();

    // A browser's reconnect: a new ticket and the last id seen in the query (EventSource sends no header).
    const next = await api.api<{ ticket: string }>('POST', '/events/tickets', { token: a.token });
    const missed = await publish('events.hunts.v1.won', a.orgId, { huntId: randomUUID() });
    const reconnected = await stream(`?ticket=${next.body.ticket}&lastEventId=${seq}`, {});
    await waitFor(async () => reconnected.events().length === 1, 10_000, 'the event missed while away');
    expect(reconnected.events()[0].id).toBe(missed);

    for (const replica of [0, 1]) {
      const again = await fleet.client(replica).api('GET', `/events?ticket=${issued.body.ticket}`);
      expect(again.status).toBe(401);
      expect(envelopeOf(again).code).toBe('INVALID_TOKEN');
    }
  });

  it('refuses a forged, malformed or expired ticket, and no credentials at all, with 401', async () => {
    const forged = `evt_${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const path of [`/events?ticket=${forged}`, '/events?ticket=not-a-ticket', '/events']) {
      const answer = await api.api('GET', path);
      expect({ path, status: answer.status }).toEqual({ path, status: 401 });
      envelopeOf(answer);
    }
    // Tickets are for the stream only: elsewhere one is no credential (and is not used up).
    const issued = await api.api<{ ticket: string }>('POST', '/events/tickets', { token: a.token });
    const elsewhere = await api.api('GET', `/recordings?ticket=${issued.body.ticket}`);
    expect(elsewhere.status).toBe(401);
    const noTicket = await api.api('POST', '/events/tickets');
    expect(noTicket.status).toBe(401);
    envelopeOf(noTicket);

    fleet.clock.advance(61_000);
    const expired = await api.api('GET', `/events?ticket=${issued.body.ticket}`);
    expect(expired.status).toBe(401);
    expect(envelopeOf(expired).code).toBe('TOKEN_EXPIRED');
  });

  it('answers hostile query parameters and Last-Event-ID with 400 and the envelope', async () => {
    const cases: [string, Record<string, string>][] = [
      ['?huntId=not-a-uuid', {}],
      ['?types=auth', {}],
      ['?types=events.auth.v1.user-registered', {}],
      ['?types=hunts,calls', {}],
      [`?types=${'hunts,'.repeat(400)}`, {}],
      ['?types=', {}],
      ['?sneaky=1', {}],
      ['', { 'last-event-id': 'abc' }],
      ['', { 'last-event-id': '-1' }],
      ['', { 'last-event-id': '9'.repeat(40) }],
      ['', { 'last-event-id': '1e5' }],
      ['?lastEventId=abc', {}],
      [`?lastEventId=${'1'.repeat(41)}`, {}],
    ];
    for (const [query, headers] of cases) {
      const answer = await api.api('GET', `/events${query}`, { token: a.token, headers });
      expect({ query: query.slice(0, 60), headers, status: answer.status }).toEqual({
        query: query.slice(0, 60),
        headers,
        status: 400,
      });
      envelopeOf(answer);
    }
  });

  it('limits open streams per org with 429, and admits again once one closes', async () => {
    const c = await register('live-c');
    const streams = [];
    for (let i = 0; i < 3; i++) streams.push(await stream('', bearer(c)));
    const refused = await api.api('GET', '/events', { token: c.token });
    expect(refused.status).toBe(429);
    expect(envelopeOf(refused).code).toBe('RATE_LIMIT_EXCEEDED');
    expect(refused.headers.get('retry-after')).toBe('5');
    // Another org is not held back by C's streams.
    await stream('', bearer(b));
    streams[0].close();
    await waitFor(
      async () => {
        const client = await SseClient.open(url(), bearer(c));
        open.push(client);
        return client.status === 200;
      },
      10_000,
      'a slot to free up',
    );
  });

  it('limits open streams on a replica in all with 429', async () => {
    const small = await startTestService(gatewayService, {
      namespace: fleet.namespace,
      env: { ...GATEWAY_ENV, LIVE_EVENTS_MAX_TOTAL: '2' },
      clock: fleet.clock,
    });
    try {
      for (const org of [a, b]) {
        const client = await SseClient.open(`${small.url}/api/v1/events`, bearer(org));
        open.push(client);
        expect(client.status).toBe(200);
      }
      const c = await register('live-total');
      const refused = await fetch(`${small.url}/api/v1/events`, { headers: bearer(c) });
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
    } finally {
      for (const client of open.splice(0)) client.close();
      await small.close();
    }
  });

  it('ends its streams with a closing event when a replica stops, and deletes their consumers', async () => {
    const replica = await startTestService(gatewayService, {
      namespace: fleet.namespace,
      env: GATEWAY_ENV,
      clock: fleet.clock,
    });
    const before = await consumerNames();
    const client = await SseClient.open(`${replica.url}/api/v1/events`, bearer(a));
    open.push(client);
    await waitFor(async () => client.named('ready').length > 0, 10_000, 'the stream to be ready');
    const added = [...(await consumerNames())].filter((name) => !before.has(name));
    await replica.close();
    await waitFor(async () => client.ended, 10_000, 'the stream to end');
    expect(client.frames.at(-1)).toMatchObject({ event: 'closing' });
    expect(JSON.parse(client.frames.at(-1)?.data ?? '{}')).toMatchObject({ reason: 'shutdown' });
    const left = await consumerNames();
    expect(added.filter((name) => left.has(name))).toEqual([]);
  });

  it('cuts off a client that does not read, with a final overflow event, holding no more than a batch', async () => {
    const hunt = randomUUID();
    const slow = await stream(`?huntId=${hunt}`, bearer(a), { paused: true });
    // ~13 MB: more than the sockets on both sides buffer.
    let last = 0;
    for (let i = 0; i < 200; i++)
      last = await publish('events.hunts.v1.leg-status-changed', a.orgId, { huntId: hunt, i }, 64_000);
    await waitFor(
      async () =>
        /callfleet_live_event_streams_ended_total\{reason="slow-client"[^}]*\} [1-9]/.test(
          await (await fetch(`${fleet.client(0).baseUrl}/metrics`)).text(),
        ),
      20_000,
      'the slow client to be cut off',
    );
    slow.resume();
    await waitFor(async () => slow.ended, 20_000, 'the stream to end');
    const events = slow.events();
    expect(events.length).toBeLessThan(200);
    expect(events.map((e) => e.envelope.data.i)).toEqual(events.map((_e, i) => i));
    const final = slow.frames.at(-1);
    expect(final?.event).toBe('overflow');
    expect(JSON.parse(final?.data ?? '{}')).toEqual({ reason: 'slow-client', lastEventId: events.at(-1)?.id });
    expect(events.at(-1)?.id ?? 0).toBeLessThan(last);
  });
});
