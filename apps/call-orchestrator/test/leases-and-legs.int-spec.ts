import { randomUUID } from 'node:crypto';
import { startTestService, TestDatabase } from '@callfleet/testing';
import { DataSource } from 'typeorm';
import { callOrchestratorService } from '../src/call-orchestrator.definition';
import { CallsRepository } from '../src/calls/calls.repository';
import { LegsRepository } from '../src/legs/legs.repository';
import { LineLeases } from '../src/lines/line-leases.repository';

/** The engine's conditional writes on the real database (leases, leg moves, IVR steps, single calls' dials): N concurrent writers, one winner. */
describe('line leases and leg moves on PostgreSQL', () => {
  let db: TestDatabase;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let dataSource: DataSource;
  let leases: LineLeases;
  let legs: LegsRepository;
  let calls: CallsRepository;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await startTestService(callOrchestratorService, {
      namespace: `leases-${randomUUID().slice(0, 8)}`,
      databaseUrl: db.url,
      env: { LOG_LEVEL: 'warn' },
    });
    dataSource = service.app.get(DataSource);
    leases = service.app.get(LineLeases);
    legs = service.app.get(LegsRepository);
    calls = service.app.get(CallsRepository);
  });
  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  async function linesOf(orgId: string, n: number, account = randomUUID()): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      await db.query(
        `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number, pools)
         VALUES ($1, $2, $3, 'twilio', $4, $5, $6)`,
        [id, orgId, account, `PN${i}-${id}`, `+1500555${1000 + i}`, i % 2 === 0 ? ['even'] : ['odd']],
      );
      ids.push(id);
    }
    return ids;
  }

  const leaseIn = (orgId: string, huntId: string, selection: Parameters<LineLeases['leaseForHunt']>[3]) =>
    dataSource.transaction((m) => leases.leaseForHunt(m, orgId, huntId, selection, new Date(Date.now() + 60_000)));

  it('gives 20 racing hunts of 3 lines disjoint lines out of 30, all or none each, never one line twice', async () => {
    const orgId = randomUUID();
    await linesOf(orgId, 30);
    const hunts = Array.from({ length: 20 }, () => randomUUID());
    const outcomes = await Promise.allSettled(hunts.map((h) => leaseIn(orgId, h, { count: 3 })));
    const granted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    expect(granted.every((lines) => lines.length === 3)).toBe(true);
    const leasedIds = granted.flat().map((l) => l.id);
    expect(new Set(leasedIds).size).toBe(leasedIds.length);
    // Rows agree: each granted hunt holds exactly its 3, refused hunts hold none.
    const rows = await db.query<{ leased_hunt_id: string; n: number }>(
      'SELECT leased_hunt_id, count(*)::int AS n FROM orchestrator.lines WHERE org_id = $1 AND leased_hunt_id IS NOT NULL GROUP BY 1',
      [orgId],
    );
    expect(rows.every((r) => r.n === 3)).toBe(true);
    expect(rows.length).toBe(granted.length);
    // 30 lines, 3 each: at most 10 hunts; the busy skipped lines left as few as possible unleased.
    expect(granted.length).toBeLessThanOrEqual(10);
    expect(granted.length).toBeGreaterThan(0);
  });

  it('leases named lines or a pool, refuses another org’s line (NOT_FOUND) and a busy one (CONFLICT)', async () => {
    const orgId = randomUUID();
    const ids = await linesOf(orgId, 4);
    const pool = await leaseIn(orgId, randomUUID(), { count: 2, pool: 'even' });
    expect(pool.map((l) => l.id).sort()).toEqual([ids[0], ids[2]].sort());
    await expect(leaseIn(orgId, randomUUID(), { lineIds: [ids[0]] })).rejects.toMatchObject({ code: 'CONFLICT' });
    const stranger = (await linesOf(randomUUID(), 1))[0];
    await expect(leaseIn(orgId, randomUUID(), { lineIds: [ids[1], stranger] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // The refused request took nothing: line 1 is still free.
    const named = await leaseIn(orgId, randomUUID(), { lineIds: [ids[1]] });
    expect(named.map((l) => l.id)).toEqual([ids[1]]);
  });

  it('releases a hunt’s lines, only its own, and reclaims expired leases', async () => {
    const orgId = randomUUID();
    await linesOf(orgId, 3);
    const a = randomUUID();
    const b = randomUUID();
    await leaseIn(orgId, a, { count: 2 });
    await dataSource.transaction((m) => leases.leaseForHunt(m, orgId, b, { count: 1 }, new Date(Date.now() - 1000)));
    expect(await dataSource.transaction((m) => leases.releaseHunt(m, randomUUID(), a))).toBe(0);
    expect(await dataSource.transaction((m) => leases.releaseHunt(m, orgId, a))).toBe(2);
    expect(await dataSource.transaction((m) => leases.reclaimExpired(m, new Date()))).toBeGreaterThanOrEqual(1);
    const [row] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE org_id = $1 AND leased_hunt_id IS NOT NULL',
      [orgId],
    );
    expect(row.n).toBe(0);
  });

  it('shares 10 lines between 8 racing hunts of 1 and 8 racing single calls: never one line twice, each call’s given back', async () => {
    const orgId = randomUUID();
    await linesOf(orgId, 10);
    const until = new Date(Date.now() + 60_000);
    const hunts = Array.from({ length: 8 }, () => randomUUID());
    const calls = Array.from({ length: 8 }, () => randomUUID());
    const outcomes = await Promise.allSettled([
      ...hunts.map((h) => leaseIn(orgId, h, { count: 1 }).then(([line]) => line)),
      ...calls.map((c) => dataSource.transaction((m) => leases.leaseForCall(m, orgId, c, {}, until))),
    ]);
    const granted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : []));
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'CONFLICT' });
    }
    expect(granted.length).toBe(10);
    expect(new Set(granted).size).toBe(10);
    const [held] = await db.query<{ hunts: number; calls: number; both: number }>(
      `SELECT count(leased_hunt_id)::int AS hunts, count(leased_call_id)::int AS calls,
              count(*) FILTER (WHERE leased_hunt_id IS NOT NULL AND leased_call_id IS NOT NULL)::int AS both
         FROM orchestrator.lines WHERE org_id = $1`,
      [orgId],
    );
    expect(held.hunts + held.calls).toBe(10);
    expect(held.both).toBe(0);
    // A call gives back its own line only; an expired call lease is reclaimed like a hunt's.
    const holder = await db.query<{ leased_call_id: string }>(
      'SELECT leased_call_id FROM orchestrator.lines WHERE org_id = $1 AND leased_call_id IS NOT NULL',
      [orgId],
    );
    expect(await dataSource.transaction((m) => leases.releaseCall(m, randomUUID(), holder[0].leased_call_id))).toBe(
      false,
    );
    expect(await dataSource.transaction((m) => leases.releaseCall(m, orgId, holder[0].leased_call_id))).toBe(true);
    const freed = await dataSource.transaction((m) =>
      leases.leaseForCall(m, orgId, randomUUID(), {}, new Date(Date.now() - 1000)),
    );
    expect(freed.leasedCallId).not.toBeNull();
    expect(await dataSource.transaction((m) => leases.reclaimExpired(m, new Date()))).toBeGreaterThanOrEqual(1);
    const [after] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE org_id = $1 AND id = $2 AND leased_call_id IS NULL',
      [orgId, freed.id],
    );
    expect(after.n).toBe(1);
  });

  it('takes a single call’s dial once when 10 runs race for it, and a hang-up loses to a dial already taken', async () => {
    const single = async () => {
      const id = randomUUID();
      const orgId = randomUUID();
      await calls.insert(dataSource.manager, {
        id,
        orgId,
        huntId: null,
        legId: null,
        provider: 'twilio',
        providerAccountId: randomUUID(),
        accountKey: 'acct',
        fromNumber: '+15005551000',
        toNumber: '+15550100002',
        dialKey: id,
      });
      return { id, orgId };
    };
    const raced = await single();
    const takes = await Promise.all(Array.from({ length: 10 }, () => calls.takeDial(dataSource.manager, raced.id)));
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(await calls.cancelUndialed(dataSource.manager, raced.orgId, raced.id, 'hung-up')).toBe(false);
    // Before the dial is taken, the hang-up wins and the dial never leaves.
    const early = await single();
    expect(await calls.cancelUndialed(dataSource.manager, early.orgId, early.id, 'hung-up')).toBe(true);
    expect(await calls.takeDial(dataSource.manager, early.id)).toBe(false);
    expect(await calls.get(dataSource.manager, early.orgId, early.id)).toMatchObject({
      status: 'canceled',
      endReason: 'hung-up',
    });
    expect(await calls.get(dataSource.manager, randomUUID(), early.id)).toBeNull();
  });

  async function legIn(status: string): Promise<{ orgId: string; legId: string }> {
    const orgId = randomUUID();
    const legId = randomUUID();
    await db.query(
      `INSERT INTO orchestrator.legs (id, org_id, hunt_id, line_id, attempt, status) VALUES ($1, $2, $3, $4, 1, $5)`,
      [legId, orgId, randomUUID(), randomUUID(), status],
    );
    return { orgId, legId };
  }

  it('moves a leg once when 10 writers race to end it, and never back', async () => {
    const { orgId, legId } = await legIn('holding');
    const moves = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        dataSource.transaction((m) =>
          legs.transition(m, orgId, legId, i % 2 ? 'ended' : 'failed', { reason: i % 2 ? 'cancelled' : 'failed' }),
        ),
      ),
    );
    expect(moves.filter((m) => m !== null)).toHaveLength(1);
    expect(moves.find((m) => m)?.from).toBe('holding');
    expect(await dataSource.transaction((m) => legs.transition(m, orgId, legId, 'ringing'))).toBeNull();
    expect(await dataSource.transaction((m) => legs.transition(m, randomUUID(), legId, 'ended'))).toBeNull();
  });

  it('refuses a late move back (ringing after holding) and another org’s move', async () => {
    const { orgId, legId } = await legIn('holding');
    expect(await dataSource.transaction((m) => legs.transition(m, orgId, legId, 'ringing'))).toBeNull();
    expect(await dataSource.transaction((m) => legs.transition(m, orgId, legId, 'ivr'))).toBeNull();
    expect(await dataSource.transaction((m) => legs.transition(m, randomUUID(), legId, 'human'))).toBeNull();
    const human = await dataSource.transaction((m) => legs.transition(m, orgId, legId, 'human'));
    expect(human).toMatchObject({ status: 'human', from: 'holding' });
    expect(human?.humanAt).toBeInstanceOf(Date);
  });

  it('takes an IVR step once when its timer is run 10 times at once (a digit is never sent twice)', async () => {
    const { orgId, legId } = await legIn('ivr');
    const taken = await Promise.all(
      Array.from({ length: 10 }, () => dataSource.transaction((m) => legs.advanceIvrStep(m, orgId, legId, 0))),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
    const [row] = await db.query<{ ivr_step: number }>('SELECT ivr_step FROM orchestrator.legs WHERE id = $1', [legId]);
    expect(row.ivr_step).toBe(1);
  });
});
