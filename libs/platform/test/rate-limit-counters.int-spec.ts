import { TEST_NATS_URL, testNamespace } from '@callfleet/testing';
import { DeclaredNatsUsage, KvStoreService, NatsConnectionService, RateLimitCounters } from '../src';

/** Shared counters on the real broker, as two gateway replicas use them. */
describe('RateLimitCounters (shared broker, own namespace)', () => {
  const namespace = testNamespace();
  let replicas: NatsConnectionService[];
  let counters: RateLimitCounters[];

  beforeAll(async () => {
    replicas = await Promise.all(
      [1, 2].map((i) =>
        NatsConnectionService.connect({
          servers: TEST_NATS_URL,
          name: `counters-${i}`,
          namespace,
          declared: DeclaredNatsUsage.of({ name: `counters-${i}`, nats: { kv: ['counters-test'] } }),
        }),
      ),
    );
    counters = replicas.map(
      (nats) => new RateLimitCounters(new KvStoreService(nats), { bucket: 'counters-test', ttlMs: 60_000 }),
    );
  });

  afterAll(async () => {
    for (const nats of replicas ?? []) await nats.onApplicationShutdown();
  });

  it('counts a burst of 64 hits on one key from two replicas exactly, with no hit refused for contention', async () => {
    const limit = 48;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) => counters[i % 2].countHit('burst.key.1', limit)),
    );
    const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
    expect(failures).toEqual([]);
    const before = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : -1));
    // Each admitted hit saw a different count below the limit; the rest saw the limit reached.
    expect(before.filter((n) => n < limit).sort((x, y) => x - y)).toEqual(Array.from({ length: limit }, (_, i) => i));
    expect(before.filter((n) => n >= limit)).toHaveLength(64 - limit);
    expect(await counters[0].addHits('burst.key.1', 0)).toBe(limit);
  });

  it('adds tallies from both replicas at once without losing one', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => counters[i % 2].addHits('tally.key.1', 3)));
    expect(await counters[1].addHits('tally.key.1', 0)).toBe(120);
  });
});
