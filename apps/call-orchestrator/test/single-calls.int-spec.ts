import { randomUUID } from 'node:crypto';
import { type CallDto, type CallListDto, type EventEnvelope, MediaSubjects, Streams } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { MediaStreamRecord } from '../../telephony-sim/src/media/media-stream-session';
import { HuntFleet } from './hunt-fleet';

/** The simulator's numbers pick the far end (apps/telephony-sim/README.md). */
const HUMAN = '+15550100002';
const HOLD_FOREVER = '+15550100008';
const BUSY = '+15550100003';

const over = (call: CallDto) => call.endedAt !== null;

/**
 * Single calls through the real path: call-orchestrator dials the simulator through the Twilio
 * adapter, the simulator's callbacks and flow requests come back through webhook-ingest, auth issues
 * stream tokens, media-stream takes the streams. Real NATS and PostgreSQL; the simulator is the only fake.
 */
describe('single calls through the simulator', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    fleet = await HuntFleet.start({}, { media: true });
  });
  afterAll(async () => {
    if (process.env.HUNT_TEST_LOGS) console.log(fleet?.orchestrator?.logs.text());
    await fleet?.stop();
  });

  const call = (orgId: string, id: string) => fleet.ok<CallDto>('calls.v1.get', { id }, { orgId, roles: ['viewer'] });
  const waitForCall = (orgId: string, id: string, ready: (c: CallDto) => boolean, what: string) =>
    waitFor(
      async () => {
        const found = await call(orgId, id);
        return ready(found) && found;
      },
      30_000,
      what,
    );

  /** Lines of the org a single call holds. */
  async function linesHeldByCalls(orgId: string): Promise<number> {
    const [row] = await fleet.orchestratorDb.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE org_id = $1 AND leased_call_id IS NOT NULL',
      [orgId],
    );
    return row.n;
  }

  /** The call's events as JetStream stored them (in the stream's order). */
  async function storedEvents(callId: string): Promise<EventEnvelope<{ callId: string } & Record<string, unknown>>[]> {
    const jsm = await jetstreamManager(fleet.nc);
    const stream = fleet.ns.stream(Streams.EVENTS.name);
    const info = await jsm.streams.info(stream, { subjects_filter: fleet.ns.subject('events.calls.v1.>') });
    const found: EventEnvelope<{ callId: string } & Record<string, unknown>>[] = [];
    if (!info.state.messages) return found;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!message?.subject.startsWith(fleet.ns.subject('events.calls.v1.'))) continue;
      const envelope = message.json<EventEnvelope<{ callId: string } & Record<string, unknown>>>();
      if (envelope.data.callId === callId) found.push(envelope);
    }
    return found;
  }

  it('places a call that is answered, sends its digits to the far end, and a hang-up completes it and frees its line', async () => {
    const { orgId, lineIds } = await fleet.org(1);
    const agent = { orgId, roles: ['agent'] };
    const created = await fleet.ok<CallDto>('calls.v1.create', { to: HOLD_FOREVER, record: true }, agent);
    expect(created).toMatchObject({ status: 'queued', to: HOLD_FOREVER, lineId: lineIds[0], huntId: null });
    expect(await linesHeldByCalls(orgId)).toBe(1);

    const answered = await waitForCall(orgId, created.id, (c) => c.status === 'answered', 'the call answered');
    expect(answered.providerCallId).toMatch(/^CA/);
    expect(answered.startedAt).not.toBeNull();
    expect(answered.answeredAt).not.toBeNull();
    const sid = answered.providerCallId ?? '';
    const atProvider = await fleet.simCall(sid);
    expect(atProvider).toMatchObject({ status: 'in-progress', to: HOLD_FOREVER, record: true });

    await fleet.ok<CallDto>('calls.v1.digits', { id: created.id, digits: '12#' }, agent);
    expect(await fleet.digitsHeard(sid, 3)).toBe('12#');
    // The call is held open after its digits.
    expect((await fleet.simCall(sid)).status).toBe('in-progress');

    const hangingUp = await fleet.ok<CallDto>('calls.v1.hangup', { id: created.id }, agent);
    expect(hangingUp.id).toBe(created.id);
    const ended = await waitForCall(orgId, created.id, over, 'the call ended');
    expect(ended).toMatchObject({ status: 'completed', endReason: 'hung-up' });
    expect(ended.durationSec).toEqual(expect.any(Number));
    expect((await fleet.simCall(sid)).status).toBe('completed');
    expect(await linesHeldByCalls(orgId)).toBe(0);

    // Over: hang-up and digits answer 409 and change nothing.
    for (const [subject, body] of [
      ['calls.v1.hangup', { id: created.id }],
      ['calls.v1.digits', { id: created.id, digits: '1' }],
    ] as const) {
      expect(await fleet.request(subject, body, agent)).toMatchObject({
        ok: false,
        status: 409,
        body: { code: 'STATE_CONFLICT' },
      });
    }

    // Its story on JetStream, in order: created, each move, ended.
    const events = await waitFor(
      async () => {
        const stored = await storedEvents(created.id);
        return stored.at(-1)?.type === 'events.calls.v1.ended' && stored;
      },
      10_000,
      'the ended event published',
    );
    expect(events[0]).toMatchObject({ type: 'events.calls.v1.created', orgId, data: { to: HOLD_FOREVER } });
    const moves = events.filter((e) => e.type === 'events.calls.v1.status-changed').map((e) => e.data.to);
    expect(moves).toEqual(expect.arrayContaining(['answered', 'completed']));
    expect(moves.indexOf('answered')).toBeLessThan(moves.indexOf('completed'));
    expect(events.at(-1)).toMatchObject({ data: { status: 'completed', reason: 'hung-up' } });

    const list = await fleet.ok<CallListDto>('calls.v1.list', { kind: 'single' }, { orgId, roles: ['viewer'] });
    expect(list.items.map((c) => c.id)).toEqual([created.id]);
    const completed = await fleet.ok<CallListDto>('calls.v1.list', { status: 'busy' }, { orgId, roles: ['viewer'] });
    expect(completed.items).toEqual([]);
  });

  it('connects a bidirectional stream to media-stream, which plays audio back into the call', async () => {
    const { orgId } = await fleet.org(1);
    const agent = { orgId, roles: ['agent'] };
    const created = await fleet.ok<CallDto>('calls.v1.create', { to: HUMAN, stream: { bidirectional: true } }, agent);
    const answered = await waitForCall(orgId, created.id, (c) => c.status === 'answered', 'the call answered');
    const sid = answered.providerCallId ?? '';
    const stream = await waitFor(
      async () => {
        const { items } = await fleet.sim.admin<{ items: MediaStreamRecord[] }>('GET', `/calls/${sid}/streams`);
        return items.find((s) => s.status === 'streaming');
      },
      15_000,
      'the stream connected',
    );
    expect(stream).toMatchObject({ kind: 'connect', bidirectional: true });

    // 100 ms of a tone, PCM16 LE 8 kHz, as another team's AI agent would send it.
    const pcm = Buffer.alloc(1600);
    for (let i = 0; i < 800; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
    const played = await waitFor(
      async () => {
        // media-stream may register the session just after the simulator's stream opened: send until heard.
        fleet.nc.publish(fleet.ns.subject(MediaSubjects.play(created.id)), pcm);
        const { items } = await fleet.sim.admin<{ items: MediaStreamRecord[] }>('GET', `/calls/${sid}/streams`);
        const current = items.find((s) => s.streamSid === stream.streamSid);
        return (current?.received.audioBytes ?? 0) > 0 && current;
      },
      15_000,
      'our audio reached the far end',
    );
    expect(played.received.audioBytes).toBeGreaterThan(0);

    // Digits on a bidirectional call: the update ends its <Connect>, the flow connects a new stream.
    await fleet.ok<CallDto>('calls.v1.digits', { id: created.id, digits: '5' }, agent);
    expect(await fleet.digitsHeard(sid, 1)).toBe('5');
    await waitFor(
      async () => {
        const { items } = await fleet.sim.admin<{ items: MediaStreamRecord[] }>('GET', `/calls/${sid}/streams`);
        return items.some((s) => s.streamSid !== stream.streamSid && s.status === 'streaming');
      },
      15_000,
      'a new stream after the digits',
    );

    await fleet.ok('calls.v1.hangup', { id: created.id }, agent);
    await waitForCall(orgId, created.id, over, 'the call ended');
    expect(await linesHeldByCalls(orgId)).toBe(0);
  });

  it('forks a listen-only stream; a busy number ends the call busy and gives its line back', async () => {
    const { orgId } = await fleet.org(2);
    const agent = { orgId, roles: ['agent'] };
    const forked = await fleet.ok<CallDto>('calls.v1.create', { to: HUMAN, stream: { bidirectional: false } }, agent);
    const busy = await fleet.ok<CallDto>('calls.v1.create', { to: BUSY }, agent);
    const sid = (await waitForCall(orgId, forked.id, (c) => c.status === 'answered', 'answered')).providerCallId;
    const stream = await waitFor(
      async () => {
        const { items } = await fleet.sim.admin<{ items: MediaStreamRecord[] }>('GET', `/calls/${sid}/streams`);
        return items.find((s) => s.status === 'streaming');
      },
      15_000,
      'the fork streaming',
    );
    expect(stream).toMatchObject({ kind: 'fork', bidirectional: false });
    const ended = await waitForCall(orgId, busy.id, over, 'the busy call over');
    expect(ended).toMatchObject({ status: 'busy', endReason: 'busy', durationSec: null });
    expect(await linesHeldByCalls(orgId)).toBe(1);
    await fleet.ok('calls.v1.hangup', { id: forked.id }, agent);
    await waitForCall(orgId, forked.id, over, 'the fork call over');
    expect(await linesHeldByCalls(orgId)).toBe(0);
  });

  it('refuses hostile input, viewers placing calls, a taken line, and another org’s ids', async () => {
    const { orgId, lineIds, account } = await fleet.org(1);
    const agent = { orgId, roles: ['agent'] };
    for (const body of [
      {},
      { to: '15550100002' },
      { to: '+1 555 0100' },
      { to: '+15550100002"/><Hangup/>' },
      { to: ['+15550100002'] },
      { to: HUMAN, lineId: 'not-a-uuid' },
      { to: HUMAN, stream: { bidirectional: 'yes' } },
      { to: HUMAN, stream: true },
      { to: HUMAN, record: 'true' },
      { to: HUMAN, admin: true },
    ]) {
      const answer = await fleet.request('calls.v1.create', body, agent);
      expect({ body, answer }).toMatchObject({
        body,
        answer: { ok: false, status: 400, body: { code: 'VALIDATION_ERROR' } },
      });
    }
    expect(await fleet.request('calls.v1.create', { to: HUMAN }, { orgId, roles: ['viewer'] })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await fleet.request('calls.v1.create', { to: HUMAN, lineId: randomUUID() }, agent)).toMatchObject({
      ok: false,
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(await fleet.request('calls.v1.create', { to: HUMAN, providerAccountId: randomUUID() }, agent)).toMatchObject(
      { ok: false, status: 404 },
    );
    expect(await linesHeldByCalls(orgId)).toBe(0);

    const placed = await fleet.ok<CallDto>('calls.v1.create', { to: HOLD_FOREVER, lineId: lineIds[0] }, agent);
    // The org's only line is held by the call: another call finds none free.
    expect(await fleet.request('calls.v1.create', { to: HUMAN }, agent)).toMatchObject({ ok: false, status: 409 });
    expect(await fleet.request('calls.v1.create', { to: HUMAN, lineId: lineIds[0] }, agent)).toMatchObject({
      ok: false,
      status: 409,
    });
    for (const digits of ['1a', '1"/><Hangup/>', '', 'W', '1 2', '1'.repeat(65)]) {
      const answer = await fleet.request('calls.v1.digits', { id: placed.id, digits }, agent);
      expect({ digits, answer }).toMatchObject({ digits, answer: { ok: false, status: 400 } });
    }

    const stranger = { orgId: randomUUID(), roles: ['owner'] };
    for (const [subject, body] of [
      ['calls.v1.get', { id: placed.id }],
      ['calls.v1.hangup', { id: placed.id }],
      ['calls.v1.digits', { id: placed.id, digits: '1' }],
      ['calls.v1.create', { to: HUMAN, lineId: lineIds[0] }],
      ['calls.v1.create', { to: HUMAN, providerAccountId: account.id }],
    ] as const) {
      expect({ subject, answer: await fleet.request(subject, body, stranger) }).toMatchObject({
        subject,
        answer: { ok: false, status: 404, body: { code: 'NOT_FOUND' } },
      });
    }
    expect((await fleet.ok<CallListDto>('calls.v1.list', {}, stranger)).items).toEqual([]);
    for (const query of [{ limit: 0 }, { limit: 1000 }, { status: 'talking' }, { cursor: '%00' }, { kind: 'x' }]) {
      expect(await fleet.request('calls.v1.list', query, agent)).toMatchObject({ ok: false, status: 400 });
    }

    await fleet.ok('calls.v1.hangup', { id: placed.id }, agent);
    await waitForCall(orgId, placed.id, over, 'the call over');
    expect(await linesHeldByCalls(orgId)).toBe(0);
  });
});
