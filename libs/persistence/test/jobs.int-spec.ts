import { ManualClock, MetricsService } from '@callfleet/platform';
import { startTestService, TestDatabase, testNamespace, waitFor } from '@callfleet/testing';
import { DataSource } from 'typeorm';
import { JobRunner, JobScheduler } from '../src';
import { FIXTURE_SCHEMA, FixtureJobs, jobsFixtureService } from './jobs.fixture';

type Replica = Awaited<ReturnType<typeof startTestService>>;

interface JobRow {
  status: string;
  attempts: number;
  run_at: Date;
  last_error: string | null;
}

/** Durable jobs on real PostgreSQL, with replicas of a service sharing one table and one ManualClock. */
describe('durable jobs and timers', () => {
  let db: TestDatabase;
  const clock = new ManualClock(Date.parse('2026-06-10T12:00:00Z'));
  const replicas: Replica[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create();
    const namespace = testNamespace();
    for (let i = 0; i < 2; i++) {
      replicas.push(await startTestService(jobsFixtureService, { namespace, databaseUrl: db.url, clock }));
    }
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await db?.drop();
  });

  const [a, b] = [() => replicas[0], () => replicas[1]];
  const scheduler = (replica: Replica) => replica.app.get(JobScheduler);
  const fixture = (replica: Replica) => replica.app.get(FixtureJobs);
  const executionsOf = (key: string) =>
    replicas.flatMap((replica) => fixture(replica).executions.filter((e) => e.key === key));
  const allIdle = () => Promise.all(replicas.map((replica) => replica.app.get(JobRunner).idle()));
  const job = async (key: string) =>
    (await db.query<JobRow>(`SELECT * FROM ${FIXTURE_SCHEMA}.jobs WHERE key = $1`, [key]))[0];
  const effects = async (key: string) =>
    (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${FIXTURE_SCHEMA}.effects WHERE job_key = $1`, [
        key,
      ])
    )[0].n;
  const runs = async (kind: string, outcome: string) => {
    let total = 0;
    for (const replica of replicas) {
      const metric = replica.app.get(MetricsService).registry.getSingleMetric('callfleet_jobs_runs_total');
      for (const v of (await metric?.get())?.values ?? []) {
        if (v.labels.kind === kind && v.labels.outcome === outcome) total += v.value;
      }
    }
    return total;
  };

  it('fires a timer scheduled twice with one key once, when its time comes, and never again', async () => {
    const runAt = new Date(clock.nowMs() + 60_000);
    const scheduled = await Promise.all([
      scheduler(a()).schedule('fixture.effect', runAt, {}, { key: 'timer-1' }),
      scheduler(b()).schedule('fixture.effect', runAt, {}, { key: 'timer-1' }),
    ]);
    expect(scheduled.sort()).toEqual([false, true]);

    clock.advance(59_000);
    await allIdle();
    expect(executionsOf('timer-1')).toHaveLength(0);

    clock.advance(1_000);
    await waitFor(async () => (await job('timer-1'))?.status === 'done', 10_000, 'the timer to fire');
    expect(await scheduler(a()).schedule('fixture.effect', new Date(clock.nowMs()), {}, { key: 'timer-1' })).toBe(
      false,
    );
    clock.advance(3_600_000);
    await allIdle();
    expect(executionsOf('timer-1')).toHaveLength(1);
    expect(await effects('timer-1')).toBe(1);
  });

  it('retries a throwing job with growing backoff, rolls its effects back, then marks it failed with the reason', async () => {
    await scheduler(a()).schedule('fixture.failing', clock.now(), {}, { key: 'failing-1' });
    for (const attempt of [1, 2]) {
      const row = await waitFor(
        async () => {
          const now = await job('failing-1');
          return now.status === 'pending' && now.attempts === attempt && now;
        },
        10_000,
        `attempt ${attempt} to fail`,
      );
      expect(row.last_error).toBe(`boom on attempt ${attempt}`);
      const wait = row.run_at.getTime() - clock.nowMs();
      // Full jitter under 1 s, then under 2 s (baseDelayMs 1 000, doubling): never at once.
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThan(1_000 * 2 ** (attempt - 1));
      await allIdle();
      expect(executionsOf('failing-1')).toHaveLength(attempt);
      clock.set(row.run_at);
    }
    const failed = await waitFor(
      async () => {
        const now = await job('failing-1');
        return now.status === 'failed' && now;
      },
      10_000,
      'the job to be marked failed',
    );
    expect(failed).toMatchObject({ attempts: 3, last_error: 'boom on attempt 3' });
    // Either replica may run any attempt.
    expect(
      executionsOf('failing-1')
        .map((e) => e.attempt)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(await effects('failing-1')).toBe(0);
    expect(await runs('fixture.failing', 'failed')).toBe(1);
    expect(await runs('fixture.failing', 'retried')).toBe(2);
    clock.advance(24 * 3_600_000);
    await allIdle();
    expect(executionsOf('failing-1')).toHaveLength(3);
  });

  it('runs each of many jobs exactly once across two replicas', async () => {
    const n = 200;
    const keys = Array.from({ length: n }, (_, i) => `many-${i}`);
    for (const [i, key] of keys.entries()) {
      await scheduler(i % 2 ? a() : b()).schedule('fixture.effect', clock.now(), {}, { key });
    }
    await waitFor(
      async () => {
        const [{ done }] = await db.query<{ done: number }>(
          `SELECT count(*)::int AS done FROM ${FIXTURE_SCHEMA}.jobs WHERE key LIKE 'many-%' AND status = 'done'`,
        );
        return done === n;
      },
      30_000,
      'every job to be done',
    );
    await allIdle();
    const ran = replicas.map((replica) => fixture(replica).executions.filter((e) => e.key.startsWith('many-')));
    expect(ran[0].length + ran[1].length).toBe(n);
    expect(new Set([...ran[0], ...ran[1]].map((e) => e.key)).size).toBe(n);
    // Both replicas took part: the table is shared, not owned by whichever started first.
    expect(ran.map((r) => r.length > 0)).toEqual([true, true]);
    const [{ rows, distinct }] = await db.query<{ rows: number; distinct: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT job_key)::int AS distinct FROM ${FIXTURE_SCHEMA}.effects WHERE job_key LIKE 'many-%'`,
    );
    expect({ rows, distinct }).toEqual({ rows: n, distinct: n });
  });

  it('keeps one recurring job however many replicas declare it, and runs it once per period', async () => {
    await Promise.all(replicas.map((replica) => scheduler(replica).recur('fixture.effect', { everyMs: 60_000 })));
    const key = 'recurring:fixture.effect';
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${FIXTURE_SCHEMA}.jobs WHERE kind = 'fixture.effect' AND recurrence IS NOT NULL`,
    );
    expect(n).toBe(1);
    for (const period of [1, 2]) {
      clock.advance(60_000);
      await waitFor(async () => (await effects(key)) === period, 10_000, `run ${period}`);
      await allIdle();
    }
    expect(executionsOf(key)).toHaveLength(2);
    const row = await job(key);
    expect(row.status).toBe('pending');
    expect(row.run_at.getTime()).toBe(clock.nowMs() + 60_000);
  });

  it('reports how late the most overdue job is when no replica can run it', async () => {
    const gauge = async () => {
      const metric = a().app.get(MetricsService).registry.getSingleMetric('callfleet_jobs_overdue_seconds');
      return (await metric?.get())?.values[0]?.value;
    };
    await allIdle();
    expect(await gauge()).toBe(0);
    // A kind no deployed version handles any more: due, and never claimed.
    await scheduler(a()).schedule('fixture.retired-kind', clock.now(), {}, { key: 'orphan-1' });
    clock.advance(600_000);
    expect(await gauge()).toBe(600);
    await db.query(`DELETE FROM ${FIXTURE_SCHEMA}.jobs WHERE key = 'orphan-1'`);
    expect(await gauge()).toBe(0);
  });

  it('voids the work of a runner whose lease ran out: its effects roll back, the new holder completes once', async () => {
    await scheduler(a()).schedule('fixture.stalls-once', clock.now(), {}, { key: 'stalled-1' });
    await waitFor(async () => executionsOf('stalled-1').length === 1, 10_000, 'the first attempt to stall');
    // Past the fixture's 2 s lease (until the stalled runner's heartbeat, or the other replica, acts first).
    await waitFor(
      async () => {
        clock.advance(3_000);
        return (await job('stalled-1')).status === 'done';
      },
      15_000,
      'another runner to take the job over and complete it',
    );
    for (const replica of replicas) fixture(replica).release();
    await waitFor(async () => (await runs('fixture.stalls-once', 'lease-lost')) === 1, 10_000, 'the stale completion');
    expect(await db.query(`SELECT attempt FROM ${FIXTURE_SCHEMA}.effects WHERE job_key = 'stalled-1'`)).toEqual([
      { attempt: 2 },
    ]);
    expect(await job('stalled-1')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it("schedules in the caller's transaction: no job without the caller's commit", async () => {
    const dataSource = a().app.get(DataSource);
    await expect(
      dataSource.transaction(async (manager) => {
        await scheduler(a()).schedule('fixture.effect', clock.now(), {}, { key: 'in-tx-1', manager });
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await job('in-tx-1')).toBeUndefined();

    await dataSource.transaction((manager) =>
      scheduler(a()).schedule('fixture.effect', clock.now(), {}, { key: 'in-tx-2', manager }),
    );
    await waitFor(async () => (await effects('in-tx-2')) === 1, 10_000, 'the committed job to run');
  });

  it('runs a just-scheduled job at once in the process that asks, once, as a polled job is run', async () => {
    const runner = (replica: Replica) => replica.app.get(JobRunner);
    // Written without the NOTIFY that wakes the runners: left to runNow (unless a slow poll comes round meanwhile).
    await allIdle();
    await db.query(
      `INSERT INTO ${FIXTURE_SCHEMA}.jobs (key, kind, payload, run_at, created_at, updated_at)
       VALUES ('now-0', 'fixture.effect', '{}', $1, $1, $1)`,
      [clock.now()],
    );
    const ranHere = await runner(a()).runNow('now-0');
    // Once it resolves true the job has run, here, to its end.
    if (ranHere) expect(fixture(a()).executions.filter((e) => e.key === 'now-0')).toHaveLength(1);
    await waitFor(async () => (await job('now-0')).status === 'done', 10_000, 'the job to be done');
    await allIdle();
    expect(executionsOf('now-0')).toHaveLength(1);
    expect(await job('now-0')).toMatchObject({ status: 'done', attempts: 1 });

    await scheduler(a()).schedule('fixture.effect', clock.now(), {}, { key: 'now-1' });
    // Both replicas ask, and both runners were woken by the schedule: one claim wins, the rest are no-ops.
    const ran = await Promise.all([runner(a()).runNow('now-1'), runner(b()).runNow('now-1')]);
    await allIdle();
    expect(executionsOf('now-1')).toHaveLength(1);
    expect(await effects('now-1')).toBe(1);
    expect(await job('now-1')).toMatchObject({ status: 'done', attempts: 1 });
    expect(ran.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(await runner(a()).runNow('now-1')).toBe(false);

    // A timer not yet due is left to its time; an unknown key is nothing.
    await scheduler(a()).schedule('fixture.effect', new Date(clock.nowMs() + 60_000), {}, { key: 'now-later' });
    expect(await runner(a()).runNow('now-later')).toBe(false);
    expect(await runner(a()).runNow('no-such-job')).toBe(false);
    expect(await job('now-later')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await scheduler(a()).cancel('now-later')).toBe(true);
  });

  it('retries a job run at once that throws, as a polled one: attempt counted, effects rolled back, backoff', async () => {
    const failedBefore = await runs('fixture.failing', 'retried');
    const dataSource = a().app.get(DataSource);
    await dataSource.transaction((manager) =>
      scheduler(a()).schedule('fixture.failing', clock.now(), {}, { key: 'now-failing', manager }),
    );
    await a().app.get(JobRunner).runNow('now-failing');
    const row = await waitFor(
      async () => {
        const now = await job('now-failing');
        return now.status === 'pending' && now.attempts === 1 && now;
      },
      10_000,
      'the first attempt to fail',
    );
    expect(row.last_error).toBe('boom on attempt 1');
    expect(row.run_at.getTime()).toBeGreaterThan(clock.nowMs());
    expect(await effects('now-failing')).toBe(0);
    expect(await runs('fixture.failing', 'retried')).toBe(failedBefore + 1);
    expect(await scheduler(a()).cancel('now-failing')).toBe(true);
  });

  it('cancels a pending timer, freeing its key', async () => {
    await scheduler(a()).schedule('fixture.effect', new Date(clock.nowMs() + 1_000), {}, { key: 'cancelled-1' });
    expect(await scheduler(b()).cancel('cancelled-1')).toBe(true);
    clock.advance(2_000);
    await allIdle();
    expect(executionsOf('cancelled-1')).toHaveLength(0);
    expect(await scheduler(a()).schedule('fixture.effect', clock.now(), {}, { key: 'cancelled-1' })).toBe(true);
    await waitFor(async () => (await effects('cancelled-1')) === 1, 10_000, 'the new timer');
  });
});
