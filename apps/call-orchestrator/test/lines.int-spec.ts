import { randomUUID } from 'node:crypto';
import {
  FleetHeader,
  type LineDto,
  type LineListDto,
  type LineSyncResultDto,
  NATS_SERVICE_ERROR_CODE,
  type ProviderAccountDto,
} from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { startTestService, TEST_NATS_URL, TestDatabase, testNamespace } from '@callfleet/testing';
import { connect, type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
// The simulated provider, the one fake of these tests (its dev Twilio account lists 250 numbers).
import { SIM_TWILIO, Simulator } from '../../webhook-ingest/test/simulator';
import { callOrchestratorService } from '../src/call-orchestrator.definition';

type Service = Awaited<ReturnType<typeof startTestService>>;
type Answer<T> = { ok: true; body: T } | { ok: false; status: number; body: { code: string; message: string } };
type Role = 'owner' | 'admin' | 'agent' | 'viewer';

/**
 * Line sync end to end: the simulator's 250 numbers read page by page through the real Twilio
 * adapter with the account's credentials from webhook-ingest, stored in the orchestrator's schema,
 * and listed, filtered and changed over NATS as the gateway asks. Real NATS and PostgreSQL.
 */
describe('call-orchestrator: lines', () => {
  let sim: Simulator;
  let ingest: Service;
  let orchestrator: Service;
  let dbs: TestDatabase[];
  let nc: NatsConnection;
  let ns: SubjectNamespace;
  const orgA = randomUUID();
  const orgB = randomUUID();
  let account: ProviderAccountDto;

  async function request<T>(subject: string, body: unknown, orgId: string, role: Role = 'admin'): Promise<Answer<T>> {
    const h = natsHeaders();
    h.set(FleetHeader.REQUEST_ID, randomUUID());
    h.set(FleetHeader.ORG_ID, orgId);
    h.set(FleetHeader.USER_ID, randomUUID());
    h.set(FleetHeader.ROLES, role);
    const reply = await nc.request(ns.subject(subject), typeof body === 'string' ? body : JSON.stringify(body), {
      timeout: 20_000,
      headers: h,
    });
    const status = reply.headers?.get(NATS_SERVICE_ERROR_CODE);
    return status ? { ok: false, status: Number(status), body: reply.json() } : { ok: true, body: reply.json<T>() };
  }

  async function ok<T>(subject: string, body: unknown, orgId = orgA, role: Role = 'admin'): Promise<T> {
    const answer = await request<T>(subject, body, orgId, role);
    if (!answer.ok) throw new Error(`${subject} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Every listed line, page after page. */
  async function allLines(filter: Record<string, unknown> = {}, orgId = orgA, limit = 100): Promise<LineDto[]> {
    const lines: LineDto[] = [];
    let cursor: string | undefined;
    do {
      if (lines.length > 10_000) throw new Error('the list never ends');
      const page = await ok<LineListDto>('lines.v1.list', { ...filter, limit, ...(cursor ? { cursor } : {}) }, orgId);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      lines.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return lines;
  }

  const sync = (orgId = orgA, role: Role = 'admin') =>
    request<LineSyncResultDto>('lines.v1.sync', { providerAccountId: account.id }, orgId, role);

  beforeAll(async () => {
    const namespace = testNamespace();
    ns = new SubjectNamespace(namespace);
    sim = await Simulator.start({ LOG_LEVEL: 'warn' });
    dbs = [await TestDatabase.create(), await TestDatabase.create()];
    ingest = await startTestService(webhookIngestService, {
      namespace,
      databaseUrl: dbs[0].url,
      env: { DEV_PROVIDER_ACCOUNTS: 'false', LOG_LEVEL: 'warn' },
    });
    orchestrator = await startTestService(callOrchestratorService, {
      namespace,
      databaseUrl: dbs[1].url,
      env: { LOG_LEVEL: 'warn' },
    });
    nc = await connect({ servers: TEST_NATS_URL, name: 'lines-test' });
    account = await ok<ProviderAccountDto>('provider-accounts.v1.create', {
      provider: 'twilio',
      name: 'simulated',
      apiBaseUrl: sim.url,
      credentials: SIM_TWILIO,
    });
  });

  afterAll(async () => {
    await orchestrator?.close();
    await ingest?.close();
    await sim?.stop();
    await nc?.close();
    for (const db of dbs ?? []) await db.drop();
  });

  it('reads every page: an account of 250 numbers gives 250 lines, and a second sync changes nothing', async () => {
    expect(await sync()).toEqual({ ok: true, body: { added: 250, updated: 0, removed: 0 } });
    const lines = await allLines();
    expect(lines).toHaveLength(250);
    expect(new Set(lines.map((l) => l.id)).size).toBe(250);
    expect(new Set(lines.map((l) => l.number)).size).toBe(250);
    expect(lines[0]).toEqual({
      id: expect.any(String),
      providerAccountId: account.id,
      provider: 'twilio',
      number: expect.stringMatching(/^\+1\d{10}$/),
      label: expect.stringMatching(/^\(\d{3}\) 555-\d{4}$/),
      enabled: true,
      pools: [],
      inUse: null,
    });
    // The adapter read the simulator's list in three pages of 100.
    const requests = await sim.admin<{ items: { path: string }[] }>('GET', '/requests?path=IncomingPhoneNumbers');
    expect(requests.items.length).toBeGreaterThanOrEqual(3);

    expect(await sync()).toEqual({ ok: true, body: { added: 0, updated: 0, removed: 0 } });
    expect(await allLines()).toEqual(lines);
  });

  it('pages the list by cursor without repeating or skipping a line', async () => {
    const byPagesOf7 = await allLines({}, orgA, 7);
    const whole = await allLines({}, orgA, 500);
    expect(byPagesOf7.map((l) => l.id)).toEqual(whole.map((l) => l.id));
    const first = await ok<LineListDto>('lines.v1.list', { limit: 250 });
    expect(first.items).toHaveLength(250);
    expect(first.nextCursor).toBeNull();
  });

  it('changes enabled and pools (a manager only), and filters the list by pool, enabled and available', async () => {
    const [a, b, c] = await allLines({}, orgA, 3).then((l) => l.slice(0, 3));
    const changed = await ok<LineDto>('lines.v1.update', { id: a.id, enabled: false, pools: ['east', 'tax', 'east'] });
    expect(changed).toEqual({ ...a, enabled: false, pools: ['east', 'tax'] });
    await ok<LineDto>('lines.v1.update', { id: b.id, pools: ['east'] });
    expect((await allLines({ pool: 'east' })).map((l) => l.id).sort()).toEqual([a.id, b.id].sort());
    expect((await allLines({ enabled: false })).map((l) => l.id)).toEqual([a.id]);

    // A hunt holding c (the lease is hunt-engine's to take; here written as it would write it).
    const huntId = randomUUID();
    const legId = randomUUID();
    await dbs[1].query(
      `UPDATE orchestrator.lines SET leased_hunt_id = $2, leased_leg_id = $3, lease_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [c.id, huntId, legId],
    );
    const taken = (await allLines({ available: false })).map((l) => l.id).sort();
    expect(taken).toEqual([a.id, c.id].sort());
    expect((await allLines({ available: true })).length).toBe(248);
    const held = (await allLines()).find((l) => l.id === c.id);
    expect(held?.inUse).toEqual({ huntId, legId, callId: null });

    // A second sync keeps what managers set and what hunts hold.
    expect(await sync()).toEqual({ ok: true, body: { added: 0, updated: 0, removed: 0 } });
    expect((await allLines()).find((l) => l.id === a.id)).toMatchObject({ enabled: false, pools: ['east', 'tax'] });
    expect((await allLines()).find((l) => l.id === c.id)?.inUse).toEqual({ huntId, legId, callId: null });
  });

  it('marks the numbers the provider dropped removed: counted, no longer listed, a held one still held', async () => {
    const before = await allLines();
    // Number i of the simulator's account ends in 1000+i: the ten it drops end in 1240-1249. A hunt holds one of them.
    const held = before.find((l) => l.number.endsWith('1245'));
    const huntId = randomUUID();
    await dbs[1].query(
      `UPDATE orchestrator.lines SET leased_hunt_id = $2, lease_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [held?.id, huntId],
    );
    await sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, { numberCount: 240 });
    try {
      const result = await sync();
      expect(result).toEqual({ ok: true, body: { added: 0, updated: 0, removed: 10 } });
      const after = await allLines();
      expect(after).toHaveLength(240);
      const gone = before.filter((l) => !after.some((a) => a.id === l.id));
      expect(gone).toHaveLength(10);
      // A removed line is kept (legs name it), not deleted, and cannot be changed through the API.
      const kept = await dbs[1].query<{ n: string }>(
        'SELECT count(*) AS n FROM orchestrator.lines WHERE removed_at IS NOT NULL',
      );
      expect(Number(kept[0].n)).toBe(10);
      expect(gone.map((l) => l.number.slice(-4)).sort()).toEqual([
        '1240',
        '1241',
        '1242',
        '1243',
        '1244',
        '1245',
        '1246',
        '1247',
        '1248',
        '1249',
      ]);
      // The held line is removed but not taken from its hunt: the hunt gives it back as usual.
      const [heldRow] = await dbs[1].query<{ leased_hunt_id: string; removed: boolean }>(
        'SELECT leased_hunt_id, removed_at IS NOT NULL AS removed FROM orchestrator.lines WHERE id = $1',
        [held?.id],
      );
      expect(heldRow).toEqual({ leased_hunt_id: huntId, removed: true });
      const patchRemoved = await request('lines.v1.update', { id: gone[0].id, enabled: false }, orgA);
      expect(patchRemoved).toMatchObject({ ok: false, status: 404 });
      expect(await sync()).toEqual({ ok: true, body: { added: 0, updated: 0, removed: 0 } });
    } finally {
      await sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, { numberCount: 250 });
    }
    // Listed again: they come back (updated), with their ids.
    expect(await sync()).toEqual({ ok: true, body: { added: 0, updated: 10, removed: 0 } });
    expect((await allLines()).map((l) => l.id).sort()).toEqual(before.map((l) => l.id).sort());
  });

  it("answers another org's line or provider account NOT_FOUND, and lists it none of them", async () => {
    const [line] = (await ok<LineListDto>('lines.v1.list', { limit: 1 })).items;
    expect(await request('lines.v1.update', { id: line.id, enabled: false }, orgB)).toMatchObject({
      ok: false,
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(await sync(orgB)).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    expect(await ok<LineListDto>('lines.v1.list', {}, orgB)).toEqual({ items: [], nextCursor: null });
    expect((await allLines()).find((l) => l.id === line.id)?.enabled).toBe(line.enabled);
  });

  it('lets a viewer read but not sync or change lines', async () => {
    const [line] = (await ok<LineListDto>('lines.v1.list', { limit: 1 }, orgA, 'viewer')).items;
    expect(line).toBeDefined();
    expect(await sync(orgA, 'viewer')).toMatchObject({ ok: false, status: 403 });
    expect(await sync(orgA, 'agent')).toMatchObject({ ok: false, status: 403 });
    expect(await request('lines.v1.update', { id: line.id, enabled: false }, orgA, 'viewer')).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('refuses hostile requests with 400 and the error body, never a crash', async () => {
    const [line] = (await ok<LineListDto>('lines.v1.list', { limit: 1 })).items;
    const hostile: [string, unknown][] = [
      ['lines.v1.sync', {}],
      ['lines.v1.sync', { providerAccountId: "1' OR '1'='1" }],
      ['lines.v1.sync', { providerAccountId: account.id, extra: true }],
      ['lines.v1.sync', 'not json'],
      ['lines.v1.list', { limit: 0 }],
      ['lines.v1.list', { limit: 100_000 }],
      ['lines.v1.list', { cursor: 'bm90LWEtY3Vyc29y' }],
      ['lines.v1.list', { cursor: '../../etc/passwd' }],
      ['lines.v1.list', { pool: 'no spaces; DROP TABLE' }],
      ['lines.v1.list', { enabled: 'maybe' }],
      ['lines.v1.update', { id: 'not-a-uuid', enabled: true }],
      ['lines.v1.update', { id: line.id, enabled: 'yes' }],
      ['lines.v1.update', { id: line.id, pools: ['ok', 'not ok'] }],
      ['lines.v1.update', { id: line.id, pools: 'east' }],
      ['lines.v1.update', { id: line.id, pools: Array.from({ length: 21 }, (_, i) => `p${i}`) }],
      ['lines.v1.update', { id: line.id, pools: ['x'.repeat(41)] }],
      ['lines.v1.update', { id: line.id, label: 'not yours to change' }],
    ];
    for (const [subject, body] of hostile) {
      const answer = await request(subject, body, orgA);
      expect({ subject, body, answer }).toMatchObject({
        answer: { ok: false, status: 400, body: { code: expect.stringMatching(/^(VALIDATION_ERROR|BAD_REQUEST)$/) } },
      });
    }
  });

  it('fails a sync the provider cannot answer and changes nothing', async () => {
    const before = await allLines();
    await sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, { apiFault: { mode: 'error' } });
    try {
      const answer = await sync();
      expect(answer).toMatchObject({ ok: false, body: { code: 'EXTERNAL_SERVICE_ERROR' } });
    } finally {
      await sim.admin('PATCH', `/accounts/${SIM_TWILIO.accountSid}`, { apiFault: null });
    }
    expect(await allLines()).toEqual(before);
  });
});
