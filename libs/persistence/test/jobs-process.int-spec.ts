import { SystemClock } from '@callfleet/platform';
import {
  type BuiltProcess,
  ensureBuilt,
  runBuilt,
  TEST_NATS_URL,
  TestDatabase,
  testNamespace,
  waitFor,
} from '@callfleet/testing';
import type { DataSource } from 'typeorm';
import { createDataSource, JobScheduler } from '../src';
import { FIXTURE_SCHEMA, fixtureSchema } from './jobs.fixture';

const FIXTURE_MAIN = 'dist/libs/persistence/test/jobs-fixture.main.js';

/**
 * A runner killed with SIGKILL in the middle of a job (its lease is 2 s in the fixture): the job is
 * run again by the other replica, or by the service once it is back, and its effect lands once. On
 * SIGTERM, the job under way finishes before the process exits.
 */
describe('a durable job whose runner is killed (built processes)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let scheduler: JobScheduler;
  const namespace = testNamespace();
  const started: BuiltProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt([FIXTURE_MAIN]);
    db = await TestDatabase.create();
  }, 240_000);

  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await dataSource?.destroy();
    await db?.drop();
  });

  async function startReplica(): Promise<BuiltProcess> {
    const run = runBuilt(FIXTURE_MAIN, {
      NODE_ENV: 'test',
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: TEST_NATS_URL,
      CALLFLEET_NAMESPACE: namespace,
      DATABASE_URL: db.url,
    });
    started.push(run);
    await waitFor(async () => run.stdout.some((l) => l.includes('"msg":"call-orchestrator ready"')), 30_000, 'ready');
    if (!scheduler) {
      dataSource = await createDataSource(db.url, fixtureSchema, 2).initialize();
      scheduler = new JobScheduler(dataSource, new SystemClock());
    }
    return run;
  }

  const hangingIn = (replicas: BuiltProcess[]) =>
    replicas.find((r) => r.stdout.some((l) => l.includes(`hanging job started in ${r.child.pid}`)));
  const effects = (key: string) =>
    db.query<{ attempt: number; runner: string }>(
      `SELECT attempt, runner FROM ${FIXTURE_SCHEMA}.effects WHERE job_key = $1`,
      [key],
    );
  const status = async (key: string) =>
    (await db.query<{ status: string }>(`SELECT status FROM ${FIXTURE_SCHEMA}.jobs WHERE key = $1`, [key]))[0]?.status;

  it('is run again by the other replica', async () => {
    const replicas = [await startReplica(), await startReplica()];
    await scheduler.schedule('fixture.hangs-once', new Date(), {}, { key: 'killed-1' });
    const victim = await waitFor(async () => hangingIn(replicas), 15_000, 'a replica to start the job');
    const survivor = replicas.find((r) => r !== victim) as BuiltProcess;
    victim.child.kill('SIGKILL');
    expect((await victim.exit).signal).toBe('SIGKILL');

    await waitFor(async () => (await status('killed-1')) === 'done', 20_000, 'the job to be run again');
    expect(await effects('killed-1')).toEqual([{ attempt: 2, runner: String(survivor.child.pid) }]);
    survivor.child.kill('SIGTERM');
    expect((await survivor.exit).code).toBe(0);
  });

  it('finishes the job under way on SIGTERM before the process exits', async () => {
    const replica = await startReplica();
    await scheduler.schedule('fixture.slow', new Date(), { ms: 1_500 }, { key: 'slow-1' });
    await waitFor(
      async () => replica.stdout.some((l) => l.includes(`slow job started in ${replica.child.pid}`)),
      15_000,
      'the job to start',
    );
    replica.child.kill('SIGTERM');
    expect(await replica.exit).toEqual({ code: 0, signal: null });
    expect(await status('slow-1')).toBe('done');
    expect(await effects('slow-1')).toEqual([{ attempt: 1, runner: String(replica.child.pid) }]);
  });

  it('is run again by the service once it is back', async () => {
    const first = await startReplica();
    await scheduler.schedule('fixture.hangs-once', new Date(), {}, { key: 'killed-2' });
    await waitFor(async () => hangingIn([first]), 15_000, 'the job to start');
    first.child.kill('SIGKILL');
    await first.exit;
    expect(await status('killed-2')).toBe('running');

    const restarted = await startReplica();
    await waitFor(async () => (await status('killed-2')) === 'done', 20_000, 'the job to be run after the restart');
    expect(await effects('killed-2')).toEqual([{ attempt: 2, runner: String(restarted.child.pid) }]);
  });
});
