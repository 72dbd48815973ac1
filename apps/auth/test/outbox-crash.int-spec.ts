import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthCommands, AuthEvents, NATS_SERVICE_ERROR_CODE, Streams } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import {
  type BuiltProcess,
  ensureBuilt,
  plainNatsClient,
  runBuilt,
  TestDatabase,
  TestNatsServer,
  testNamespace,
  waitFor,
} from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { GOOD_PASSWORD, uniqueEmail } from './auth-harness';

const AUTH_MAIN = 'dist/apps/auth/src/main.js';

/**
 * `kill -9` of auth between the commit and the publish: the built process, as in production,
 * registers an organization while JetStream refuses writes, dies without a chance to clean up, and
 * its successor publishes the event, once.
 */
describe('auth killed between the commit and the publish (built process)', () => {
  const namespace = testNamespace();
  const ns = new SubjectNamespace(namespace);
  let broker: TestNatsServer;
  let db: TestDatabase;
  let keysDir: string;
  let nc: NatsConnection;
  const runs: BuiltProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt([AUTH_MAIN]);
    broker = await TestNatsServer.start();
    db = await TestDatabase.create();
    keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  }, 240_000);

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await nc?.close();
    await broker?.dispose();
    await db?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  async function startAuth(): Promise<BuiltProcess> {
    const run = runBuilt(AUTH_MAIN, {
      NODE_ENV: 'test',
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: broker.url,
      CALLFLEET_NAMESPACE: namespace,
      DATABASE_URL: db.url,
      JWT_KEYS_DIR: keysDir,
    });
    runs.push(run);
    await waitFor(async () => run.stdout.some((l) => l.includes('"msg":"auth ready"')), 30_000, 'auth ready');
    return run;
  }

  async function userRegisteredOnStream(): Promise<number> {
    const jsm = await jetstreamManager(nc);
    const subject = ns.subject(AuthEvents.USER_REGISTERED);
    const info = await jsm.streams.info(ns.stream(Streams.EVENTS.name), { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  it('loses nothing: the next process publishes the committed event exactly once', async () => {
    const first = await startAuth();
    await broker.restart({ jetstream: false });
    nc = await plainNatsClient(broker.url);

    const email = uniqueEmail('crash');
    const reply = await waitFor(
      () =>
        nc.request(
          `${namespace}.${AuthCommands.Register.subject}`,
          JSON.stringify({ email, password: GOOD_PASSWORD, name: 'Crash Owner', organizationName: 'Crash Org' }),
          { timeout: 5_000 },
        ),
      20_000,
      'auth to answer on the restarted broker',
    );
    expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE) || undefined).toBeUndefined();
    const outboxRow = () =>
      db.query<{ event_id: string; attempts: number; sent_at: Date | null }>(
        'SELECT event_id, attempts, sent_at FROM auth.outbox WHERE subject = $1',
        [AuthEvents.USER_REGISTERED],
      );
    // Committed, and the publish has been refused at least once: the process is between the two.
    await waitFor(async () => (await outboxRow())[0]?.attempts >= 1, 15_000, 'a refused publish');

    first.child.kill('SIGKILL');
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    await broker.restart({ jetstream: true });
    await nc.close();
    nc = await plainNatsClient(broker.url);
    expect(await userRegisteredOnStream()).toBe(0);

    await startAuth();
    await waitFor(async () => (await outboxRow())[0]?.sent_at != null, 30_000, 'the event marked sent');
    expect(await userRegisteredOnStream()).toBe(1);
    const [row] = await outboxRow();
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(ns.stream(Streams.EVENTS.name), {
      last_by_subj: ns.subject(AuthEvents.USER_REGISTERED),
    });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(row.event_id);
    expect(stored?.json()).toMatchObject({ id: row.event_id, type: AuthEvents.USER_REGISTERED, data: { email } });
  }, 150_000);
});
