import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthCommands, AuthEvents, NATS_SERVICE_ERROR_CODE, Streams } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import {
  plainNatsClient,
  startTestService,
  TestDatabase,
  TestNatsServer,
  testNamespace,
  waitFor,
} from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
import { authService } from '../src/auth.definition';
import { GOOD_PASSWORD, uniqueEmail } from './auth-harness';

/**
 * Registration while the event stream cannot take writes: a private broker restarted without
 * JetStream (core NATS up, so auth still answers), then with it again. auth and webhook-ingest run
 * in this process, on one database (their own schemas), as a fleet would.
 */
describe('registration while JetStream is down', () => {
  const namespace = testNamespace();
  const ns = new SubjectNamespace(namespace);
  let broker: TestNatsServer;
  let db: TestDatabase;
  let keysDir: string;
  let auth: Awaited<ReturnType<typeof startTestService>>;
  let ingest: Awaited<ReturnType<typeof startTestService>>;
  let nc: NatsConnection;

  beforeAll(async () => {
    broker = await TestNatsServer.start();
    db = await TestDatabase.create();
    keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    const common = { namespace, natsUrl: broker.url, databaseUrl: db.url };
    auth = await startTestService(authService, { ...common, env: { JWT_KEYS_DIR: keysDir } });
    ingest = await startTestService(webhookIngestService, { ...common, env: { DEV_PROVIDER_ACCOUNTS: 'true' } });
    nc = await plainNatsClient(broker.url);
  });

  afterAll(async () => {
    await nc?.close();
    await ingest?.close();
    await auth?.close();
    await broker?.dispose();
    await db?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  /** How many user-registered events the EVENTS stream holds for this organization. */
  async function storedRegistrations(orgId: string): Promise<number> {
    const jsm = await jetstreamManager(nc);
    const subject = ns.subject(AuthEvents.USER_REGISTERED);
    const info = await jsm.streams.info(ns.stream(Streams.EVENTS.name), { subjects_filter: subject });
    if (!info.state.messages) return 0;
    let count = 0;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(ns.stream(Streams.EVENTS.name), { seq }).catch(() => null);
      if (message?.subject === subject && message.json<{ orgId: string }>().orgId === orgId) count++;
    }
    return count;
  }

  it('answers the registration, then publishes user-registered once and the simulator account appears', async () => {
    await broker.restart({ jetstream: false });

    // Core NATS is back at once: auth answers as soon as its connection is re-established.
    const email = uniqueEmail('outage');
    const reply = await waitFor(
      () =>
        nc.request(
          `${namespace}.${AuthCommands.Register.subject}`,
          JSON.stringify({ email, password: GOOD_PASSWORD, name: 'Outage Owner', organizationName: 'Outage Org' }),
          { timeout: 5_000 },
        ),
      20_000,
      'auth to answer on the restarted broker',
    );
    expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE) || undefined).toBeUndefined();
    expect(reply.json()).toHaveProperty('accessToken');
    const [{ org_id: orgId }] = await db.query<{ org_id: string }>(
      'SELECT m.org_id FROM auth.memberships m JOIN auth.users u ON u.id = m.user_id WHERE u.email = $1',
      [email],
    );

    // The relay tried while JetStream was away: the event is kept, not dropped.
    const pending = await waitFor(
      async () => {
        const [row] = await db.query<{ attempts: number; sent_at: Date | null }>(
          `SELECT attempts, sent_at FROM auth.outbox WHERE subject = $1 AND envelope->>'orgId' = $2`,
          [AuthEvents.USER_REGISTERED, orgId],
        );
        return row && row.attempts >= 1 ? row : undefined;
      },
      15_000,
      'a refused publish of user-registered',
    );
    expect(pending.sent_at).toBeNull();

    await broker.restart({ jetstream: true });
    await waitFor(async () => (await storedRegistrations(orgId)) === 1, 30_000, 'user-registered on the stream');

    const accounts = await waitFor(
      async () => {
        const rows = await db.query<{ name: string }>('SELECT name FROM ingest.provider_accounts WHERE org_id = $1', [
          orgId,
        ]);
        return rows.length > 0 ? rows : undefined;
      },
      // The consumer's own recovery after an outage: it re-checks its consumer once per pull expiry (30 s).
      60_000,
      'the simulator provider account',
    );
    expect(accounts).toEqual([{ name: 'Telephony simulator (dev)' }]);
    const [sent] = await db.query<{ sent_at: Date | null }>(
      `SELECT sent_at FROM auth.outbox WHERE subject = $1 AND envelope->>'orgId' = $2`,
      [AuthEvents.USER_REGISTERED, orgId],
    );
    expect(sent.sent_at).not.toBeNull();
    expect(await storedRegistrations(orgId)).toBe(1);
  }, 150_000);
});
