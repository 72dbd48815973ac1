import {
  type Clock,
  DeclaredNatsUsage,
  JetStreamService,
  ManualClock,
  MetricsService,
  NatsConnectionService,
} from '@callfleet/platform';
import { TEST_NATS_URL, TestDatabase, testNamespace, waitFor } from '@callfleet/testing';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import {
  createDataSource,
  createOutboxTable,
  migrateSchema,
  Outbox,
  OutboxRelay,
  type OutboxRelayOptions,
  PgListener,
} from '../src';

class CreateShopOutbox1700000000000 implements MigrationInterface {
  name = 'CreateShopOutbox1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await createOutboxTable(q, 'shop');
  }
  async down(): Promise<void> {}
}

const schema = { schema: 'shop', entities: [], migrations: [CreateShopOutbox1700000000000] };
const EVENTS = { name: 'EVENTS', subjects: ['events.>'] };
const LATER = { name: 'LATER', subjects: ['later.>'] };

/** What the test's "service" does on NATS, declared as a service definition declares it. */
const declared = DeclaredNatsUsage.of({
  name: 'outbox-test',
  streams: [EVENTS, LATER],
  nats: { publishes: ['events.shop.>', 'later.shop.>', 'nowhere.shop.>'] },
});

interface Seen {
  id: string;
  key: string;
  seq: number;
}

/**
 * The relay on real PostgreSQL and the shared NATS (own namespace). Every publish the relays make
 * is seen by a core NATS subscription on the subjects, duplicates included (JetStream would hide
 * them behind Nats-Msg-Id), so "published once" is counted where it happens.
 */
describe('outbox relay', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let dataSource: DataSource;
  let nats: NatsConnectionService;
  let jetstream: JetStreamService;
  let jsm: JetStreamManager;
  let wire: Subscription;
  const published: Seen[] = [];
  const relays: OutboxRelay[] = [];
  const listeners: PgListener[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create();
    await migrateSchema(db.url, schema);
    dataSource = createDataSource(db.url, schema, 20);
    await dataSource.initialize();
    nats = await NatsConnectionService.connect({ servers: TEST_NATS_URL, name: 'outbox-test', namespace, declared });
    jetstream = new JetStreamService(nats, new MetricsService('outbox-test'));
    await jetstream.ensureStream(EVENTS);
    jsm = await jetstreamManager(nats.nc);
    wire = nats.nc.subscribe(`${namespace}.events.>`, {
      callback: (_error, msg) => {
        const envelope = msg.json<{ id: string; data: { key: string; seq: number } }>();
        published.push({ id: envelope.id, key: envelope.data.key, seq: envelope.data.seq });
      },
    });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(listeners.splice(0).map((l) => l.close()));
    await dataSource.query('DELETE FROM shop.outbox');
    await jsm.streams.purge(nats.ns.stream(EVENTS.name));
    published.length = 0;
  });

  afterAll(async () => {
    wire?.unsubscribe();
    await jsm?.streams.delete(nats.ns.stream(EVENTS.name)).catch(() => undefined);
    await nats?.onApplicationShutdown();
    await dataSource?.destroy();
    await db?.drop();
  });

  function relay(clock: Clock, options: Partial<OutboxRelayOptions> = {}, metrics = new MetricsService('shop')) {
    const listener = new PgListener(db.url);
    listeners.push(listener);
    const made = new OutboxRelay({ dataSource, schema: 'shop', jetstream, nats, clock, metrics, listener, options });
    relays.push(made);
    return { relay: made, metrics };
  }

  async function addEvents(outbox: Outbox, keys: string[], perKey: number): Promise<void> {
    for (let seq = 0; seq < perKey; seq++) {
      await dataSource.transaction(async (manager) => {
        for (const key of keys) await outbox.add(manager, 'events.shop.v1.ordered', { key, seq }, { orderKey: key });
      });
    }
  }

  const unsent = async () =>
    Number((await dataSource.query('SELECT count(*) AS n FROM shop.outbox WHERE sent_at IS NULL'))[0].n);
  const streamMessages = async () => (await jsm.streams.info(nats.ns.stream(EVENTS.name))).state.messages;

  it('with four relays on one table, publishes every event exactly once and in order per key', async () => {
    const clock = new ManualClock();
    const outbox = new Outbox(dataSource, clock, declared);
    const keys = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
    await addEvents(outbox, keys, 40);
    // Small batches, so the relays contend for the table many times over.
    const started = Array.from({ length: 4 }, () => relay(clock, { batchSize: 7 }));
    await Promise.all(started.map(({ relay: r }) => r.start()));

    await waitFor(async () => (await unsent()) === 0, 30_000, 'the outbox to drain');
    await waitFor(async () => published.length >= 200, 5_000, 'every publish to reach the subscriber');
    expect(published).toHaveLength(200);
    expect(new Set(published.map((p) => p.id)).size).toBe(200);
    expect(await streamMessages()).toBe(200);
    for (const key of keys) {
      const order = published.filter((p) => p.key === key).map((p) => p.seq);
      expect({ key, order }).toEqual({ key, order: Array.from({ length: 40 }, (_, i) => i) });
    }
    // More than one relay did the work (the claim is shared, not serialized behind one).
    const counts = await Promise.all(
      started.map(
        async ({ metrics }) => await metrics.registry.getSingleMetricAsString('callfleet_outbox_published_total'),
      ),
    );
    const perRelay = counts.map((text) =>
      Number(/callfleet_outbox_published_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0),
    );
    expect(perRelay.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('republishes an event whose "sent" mark was lost, and the stream keeps it once', async () => {
    const clock = new ManualClock();
    const outbox = new Outbox(dataSource, clock, declared);
    const { relay: r } = relay(clock);
    await r.start();
    await addEvents(outbox, ['resent'], 1);
    await waitFor(async () => (await unsent()) === 0, 10_000, 'the first publish');
    // As after a crash between the PubAck and the commit: the row is unsent again.
    await dataSource.query('UPDATE shop.outbox SET sent_at = NULL');
    await dataSource.query("SELECT pg_notify('shop_outbox', '')");
    await waitFor(async () => (await unsent()) === 0 && published.length === 2, 10_000, 'the second publish');

    expect(published[1].id).toBe(published[0].id);
    expect(await streamMessages()).toBe(1);
  });

  it('is woken by the NOTIFY of a commit, long before its poll would come', async () => {
    const clock = new ManualClock();
    const outbox = new Outbox(dataSource, clock, declared);
    const { relay: r } = relay(clock, { pollIntervalMs: 120_000 });
    await r.start();
    await addEvents(outbox, ['first'], 1);
    await waitFor(async () => published.length === 1, 5_000, 'the first event');

    const committedAt = Date.now();
    await addEvents(outbox, ['second'], 1);
    await waitFor(async () => published.length === 2, 5_000, 'the event committed while the relay slept');
    expect(Date.now() - committedAt).toBeLessThan(5_000);
    expect(await unsent()).toBe(0);
  });

  it('reports the depth and the age of the oldest unsent event, and zero once published', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 0));
    const outbox = new Outbox(dataSource, clock, declared);
    const { relay: r, metrics } = relay(clock);
    await addEvents(outbox, ['early'], 2);
    clock.advance(90_000);
    await addEvents(outbox, ['late'], 1);

    const scrape = async () => metrics.registry.metrics();
    let text = await scrape();
    expect(text).toMatch(/^callfleet_outbox_unsent_events\{[^}]*\} 3$/m);
    expect(text).toMatch(/^callfleet_outbox_oldest_unsent_age_seconds\{[^}]*\} 90$/m);

    await r.start();
    await waitFor(async () => (await unsent()) === 0, 10_000, 'the outbox to drain');
    text = await scrape();
    expect(text).toMatch(/^callfleet_outbox_unsent_events\{[^}]*\} 0$/m);
    expect(text).toMatch(/^callfleet_outbox_oldest_unsent_age_seconds\{[^}]*\} 0$/m);
  });

  it('keeps an event the broker refuses, backs it off, and publishes it once a stream takes it', async () => {
    const clock = new ManualClock();
    const outbox = new Outbox(dataSource, clock, declared);
    const { relay: r, metrics } = relay(clock, { backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    await r.start();
    // No stream captures this subject yet: JetStream answers "no responders" and the event must stay.
    await dataSource.transaction((m) => outbox.add(m, 'later.shop.v1.placed', { key: 'later', seq: 0 }));
    const attempted = await waitFor(
      async () => {
        const [row] = await dataSource.query('SELECT attempts, last_error, available_at, sent_at FROM shop.outbox');
        return row.attempts >= 1 ? row : undefined;
      },
      10_000,
      'a failed attempt',
    );
    expect(attempted.sent_at).toBeNull();
    expect(attempted.last_error).toMatch(/jetstream is not enabled|no responders|503/i);
    expect(new Date(attempted.available_at).getTime()).toBeGreaterThan(clock.nowMs());
    expect(await metrics.registry.getSingleMetricAsString('callfleet_outbox_publish_failures_total')).toMatch(
      / [1-9]\d*$/m,
    );

    await jetstream.ensureStream(LATER);
    try {
      clock.advance(60_000); // the backoff is over; the jump wakes the relay
      await waitFor(async () => (await unsent()) === 0, 10_000, 'the retried event to be published');
      const stream = await jsm.streams.info(nats.ns.stream('LATER'));
      expect(stream.state.messages).toBe(1);
    } finally {
      await jsm.streams.delete(nats.ns.stream('LATER')).catch(() => undefined);
    }
  });

  it('on stop, publishes what is due before letting go', async () => {
    const clock = new ManualClock();
    const outbox = new Outbox(dataSource, clock, declared);
    const { relay: r } = relay(clock, { pollIntervalMs: 120_000 });
    await r.start();
    await addEvents(outbox, ['parting'], 3);
    await r.stop();
    expect(await unsent()).toBe(0);
    expect(await streamMessages()).toBe(3);
  });

  it('refuses an event its service does not declare, failing the change it came with', async () => {
    const outbox = new Outbox(dataSource, new ManualClock(), declared);
    await expect(
      dataSource.transaction((m) => outbox.add(m, 'events.other.v1.undeclared', { key: 'x', seq: 0 })),
    ).rejects.toThrow(/outbox-test publishes events\.other\.v1\.undeclared.*nats\.publishes/);
    expect(await unsent()).toBe(0);
  });

  it('refuses to add an event outside a transaction', async () => {
    const outbox = new Outbox(dataSource, new ManualClock(), declared);
    await expect(outbox.add(dataSource.manager, 'events.shop.v1.loose', {})).rejects.toThrow(/open transaction/);
    expect(await unsent()).toBe(0);
  });

  it('deletes published events once their retention is over, and only those', async () => {
    const clock = new ManualClock();
    const outbox = new Outbox(dataSource, clock, declared);
    const { relay: r } = relay(clock, { sentRetentionMs: 3_600_000, cleanupIntervalMs: 60_000 });
    await r.start();
    await addEvents(outbox, ['old'], 2);
    await waitFor(async () => (await unsent()) === 0, 10_000, 'the events to be published');
    const total = async () => Number((await dataSource.query('SELECT count(*) AS n FROM shop.outbox'))[0].n);
    expect(await total()).toBe(2);

    // One no stream takes: it stays unsent however old it gets, and the cleanup must leave it.
    await dataSource.transaction((m) => outbox.add(m, 'nowhere.shop.v1.kept', { key: 'kept', seq: 0 }));

    clock.advance(2 * 3_600_000);
    await waitFor(async () => (await total()) === 1, 10_000, 'the cleanup');
    const [left] = await dataSource.query('SELECT subject, sent_at FROM shop.outbox');
    expect(left).toEqual({ subject: 'nowhere.shop.v1.kept', sent_at: null });
  });
});
