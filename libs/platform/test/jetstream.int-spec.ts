import { defineEvent, Streams } from '@callfleet/contracts';
import { TEST_NATS_URL, testNamespace, waitFor } from '@callfleet/testing';
import { type JetStreamManager, jetstreamManager, jetstream as rawJetStream } from '@nats-io/jetstream';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { DeclaredNatsUsage, JetStreamService, MetricsService, NatsConnectionService } from '../src';

/** The payload the test consumers accept. */
class OrderPlaced {
  @IsString()
  @Length(1, 20)
  order: string;

  @IsInt()
  @Min(1)
  quantity: number;
}

const orderEvent = (subject: string) => defineEvent({ stream: 'EVENTS', subject, payload: OrderPlaced });
const FAILS = orderEvent('events.test.v1.fails');
const ACCEPTED = orderEvent('events.test.v1.accepted');
const VALIDATED = orderEvent('events.test.v1.validated');
const EVENTS_STREAM = { name: 'EVENTS', subjects: ['events.>'] };

/** What the test's "service" does on NATS, declared as a service definition declares it. */
const declared = DeclaredNatsUsage.of({
  name: 'jetstream-test',
  streams: [EVENTS_STREAM],
  nats: {
    publishes: ['events.test.>'],
    consumes: [
      { event: FAILS, durable: 'always-fails' },
      { event: ACCEPTED, durable: 'accepts' },
      { event: VALIDATED, durable: 'validates' },
    ],
  },
});

describe('JetStream helpers (shared broker, own namespace)', () => {
  const namespace = testNamespace();
  const events = EVENTS_STREAM;
  let nats: NatsConnectionService;
  let metrics: MetricsService;
  let jetstream: JetStreamService;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await NatsConnectionService.connect({
      servers: TEST_NATS_URL,
      name: 'jetstream-test',
      namespace,
      declared,
    });
    metrics = new MetricsService('jetstream-test');
    jetstream = new JetStreamService(nats, metrics);
    jsm = await jetstreamManager(nats.nc);
    // The dead-letter stream is not created here: consume() must create it itself.
    await jetstream.ensureStream(events);
  });

  afterAll(async () => {
    await jetstream?.onApplicationShutdown();
    for (const stream of [events.name, Streams.DEAD_LETTER.name]) {
      await jsm?.streams.delete(nats.ns.stream(stream)).catch(() => undefined);
    }
    await nats?.onApplicationShutdown();
  });

  const streamMessages = async (stream: string) => (await jsm.streams.info(nats.ns.stream(stream))).state.messages;

  it('refuses a publish, a stream or a consumer its declaration does not name, before touching the broker', async () => {
    const before = await streamMessages('EVENTS');
    await expect(jetstream.publish('events.other.v1.x', {}, 'undeclared-1')).rejects.toThrow(
      /jetstream-test publishes events\.other\.v1\.x.*nats\.publishes/,
    );
    await expect(jetstream.ensureStream({ name: 'OTHER', subjects: ['other.>'] })).rejects.toThrow(
      /manages stream OTHER/,
    );
    await expect(
      jetstream.consume({ event: FAILS, durable: 'undeclared', handler: async () => undefined }),
    ).rejects.toThrow(/consumes EVENTS as undeclared/);
    expect(await streamMessages('EVENTS')).toBe(before);
    await expect(jsm.consumers.info(nats.ns.stream('EVENTS'), 'undeclared')).rejects.toThrow(/consumer not found/);
  });

  it('creates a stream once and updates it in place when asked again', async () => {
    await jetstream.ensureStream({ ...events, maxAgeMs: 60_000 });
    await jetstream.ensureStream({ ...events, maxAgeMs: 60_000 });
    const info = await jsm.streams.info(nats.ns.stream('EVENTS'));
    expect(info.config.subjects).toEqual([`${namespace}.events.>`]);
    expect(info.config.max_age).toBe(60_000 * 1_000_000);
    const names: string[] = [];
    for await (const name of jsm.streams.names(`${namespace}.events.>`)) names.push(name);
    expect(names).toEqual([nats.ns.stream('EVENTS')]);
  });

  it('stores a message published twice with the same id once', async () => {
    const before = await streamMessages('EVENTS');
    const first = await jetstream.publish('events.test.v1.once', { n: 1 }, 'same-id');
    const second = await jetstream.publish('events.test.v1.once', { n: 1 }, 'same-id');
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(await streamMessages('EVENTS')).toBe(before + 1);

    const envelope = await jetstream.publishEvent('events.test.v1.enveloped', { ok: true }, { orgId: 'org-1' });
    await jetstream.publishEvent('events.test.v1.enveloped', { ok: true }, { id: envelope.id, orgId: 'org-1' });
    expect(await streamMessages('EVENTS')).toBe(before + 2);
    const stored = await jsm.streams.getMessage(nats.ns.stream('EVENTS'), {
      last_by_subj: `${namespace}.events.test.v1.enveloped`,
    });
    expect(stored?.json()).toMatchObject({ id: envelope.id, type: 'events.test.v1.enveloped', orgId: 'org-1' });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(envelope.id);
  });

  it('redelivers a failing message with backoff, then dead-letters it on dlq.<subject> with the reason', async () => {
    const attempts: number[] = [];
    const handled: string[] = [];
    await jetstream.consume({
      event: FAILS,
      durable: 'always-fails',
      maxDeliver: 3,
      backoffMs: [20, 50],
      handler: async (data, msg) => {
        if (data.order !== 'A-1') {
          handled.push(data.order);
          return;
        }
        attempts.push(msg.info.deliveryCount);
        throw new Error(`downstream refused order (attempt ${msg.info.deliveryCount})`);
      },
    });
    await jetstream.publish('events.test.v1.fails', { order: 'A-1', quantity: 1 }, 'fails-1');

    const dlqStream = nats.ns.stream(Streams.DEAD_LETTER.name);
    const dead = await waitFor(
      () => jsm.streams.getMessage(dlqStream, { last_by_subj: `${namespace}.dlq.events.test.v1.fails` }),
      10_000,
      'the dead letter',
    );
    expect(dead?.json()).toEqual({ order: 'A-1', quantity: 1 });
    expect(dead?.header.get('Callfleet-Dead-Letter-Reason')).toBe('downstream refused order (attempt 3)');
    expect(dead?.header.get('Callfleet-Original-Subject')).toBe('events.test.v1.fails');
    expect(dead?.header.get('Callfleet-Deliveries')).toBe('3');

    // Terminated after the dead letter: nothing left pending, never a fourth delivery.
    await waitFor(async () => {
      const info = await jsm.consumers.info(nats.ns.stream('EVENTS'), 'always-fails');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 5_000);
    expect(attempts).toEqual([1, 2, 3]);

    // The consumer goes on after a dead letter.
    await jetstream.publish('events.test.v1.fails', { order: 'A-2', quantity: 2 }, 'fails-2');
    await waitFor(async () => handled.includes('A-2'), 10_000, 'the next message to be handled');
  });

  it('acks a message its handler accepted, so it is never delivered again', async () => {
    const seen: unknown[] = [];
    await jetstream.consume({
      event: ACCEPTED,
      durable: 'accepts',
      ackWaitMs: 1_000,
      handler: async (data) => {
        seen.push(data);
      },
    });
    await jetstream.publish('events.test.v1.accepted', { order: 'B-2', quantity: 3 }, 'accepted-1');

    const consumer = await waitFor(async () => {
      const info = await jsm.consumers.info(nats.ns.stream('EVENTS'), 'accepts');
      return info.ack_floor.stream_seq > 0 && info.num_ack_pending === 0 && info;
    }, 10_000);
    expect(consumer.num_redelivered).toBe(0);
    expect(seen).toEqual([{ order: 'B-2', quantity: 3 }]);
    expect(seen[0]).toBeInstanceOf(OrderPlaced);
    const deliveries = await metrics.registry.getSingleMetricAsString('callfleet_jetstream_deliveries_total');
    expect(deliveries).toMatch(/consumer="accepts",outcome="ack"[^}]*} 1$/m);
    expect(deliveries).toMatch(/consumer="always-fails",outcome="dead-letter"[^}]*} 1$/m);
  });

  it('dead-letters a payload its class refuses at once, with the reason, and never hands it to the handler', async () => {
    const handled: unknown[] = [];
    await jetstream.consume({
      event: VALIDATED,
      durable: 'validates',
      maxDeliver: 5,
      handler: async (data) => {
        handled.push(data);
      },
    });
    const dlqStream = nats.ns.stream(Streams.DEAD_LETTER.name);
    const deadLetterOf = (seq: number) =>
      waitFor(async () => {
        const dead = await jsm.streams.getMessage(dlqStream, {
          last_by_subj: `${namespace}.dlq.events.test.v1.validated`,
        });
        // The dead letter's id names the original's stream sequence.
        return dead?.header.get('Nats-Msg-Id').endsWith(`:${seq}`) ? dead : undefined;
      }, 10_000);

    const wrongType = await jetstream.publish('events.test.v1.validated', { order: 'C-1', quantity: 'two' }, 'v-1');
    const first = await deadLetterOf(wrongType.seq);
    expect(first.json()).toEqual({ order: 'C-1', quantity: 'two' });
    expect(first.header.get('Callfleet-Dead-Letter-Reason')).toBe(
      'invalid payload: quantity: quantity must not be less than 1, quantity must be an integer number',
    );
    expect(first.header.get('Callfleet-Original-Subject')).toBe('events.test.v1.validated');
    // At once: no retry can mend a payload, so the first delivery is the last.
    expect(first.header.get('Callfleet-Deliveries')).toBe('1');

    const unknownField = await jetstream.publish(
      'events.test.v1.validated',
      { order: 'C-2', quantity: 1, admin: true },
      'v-2',
    );
    expect((await deadLetterOf(unknownField.seq)).header.get('Callfleet-Dead-Letter-Reason')).toBe(
      'invalid payload: admin: property admin should not exist',
    );

    // A producer that is not the fleet's client: bytes that are not JSON at all.
    const notJson = await rawJetStream(nats.nc).publish(`${namespace}.events.test.v1.validated`, '{"order":');
    expect((await deadLetterOf(notJson.seq)).header.get('Callfleet-Dead-Letter-Reason')).toMatch(/^invalid payload: /);

    await jetstream.publish('events.test.v1.validated', { order: 'C-4', quantity: 4 }, 'v-4');
    await waitFor(async () => handled.length > 0, 10_000, 'the valid message to be handled');
    expect(handled).toEqual([{ order: 'C-4', quantity: 4 }]);
    const info = await jsm.consumers.info(nats.ns.stream('EVENTS'), 'validates');
    expect(info.num_redelivered).toBe(0);
  });
});
