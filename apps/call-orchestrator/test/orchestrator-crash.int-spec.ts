import type { HuntDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { HuntFleet } from './hunt-fleet';

const IVR_THEN_HOLD = '+15550100001';
/** Answers and holds, with no menu (an empty script holds at once). */
const HOLD_FOREVER = '+15550100008';

/**
 * `kill -9` of the orchestrator, the built process as production runs it, with a hunt under way: the
 * durable timers, leases and jobs are all in PostgreSQL, so a new process goes on from where the
 * dead one was, and presses no digit twice.
 */
describe('call-orchestrator killed during a hunt (built process)', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    fleet = await HuntFleet.start(
      { timeScale: 10, holdSeconds: { min: 120, max: 120 } },
      // The destination's first dial rings long enough for a restart to happen under it (200 s of the
      // simulator's time is 20 s here). With one replica, an outcome that came while none was up would
      // get webhook-ingest's fallback (a hang-up): production runs two.
      { replicas: 0, env: { HUNT_HANDOFF_DIAL_TIMEOUT_SEC: '200', HUNT_HANDOFF_RETRY_SPACING_SEC: '1' } },
    );
  }, 300_000);
  afterEach(async () => {
    await fleet?.killBuiltOrchestrators();
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it('during the script and the hold: after a restart the script goes on, no digit twice, the far end kept, no line leaked', async () => {
    const first = await fleet.runBuiltOrchestrator();
    const { orgId } = await fleet.org(3);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      {
        phoneNumber: IVR_THEN_HOLD,
        lines: 3,
        staggerMs: 50,
        ivrScript: [
          { action: 'digits', digits: '1', afterMs: 300 },
          { action: 'digits', digits: '2', afterMs: 4000 },
        ],
      },
      { orgId, roles: ['agent'] },
    );
    const inScript = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'ivr').length === 3,
      'every leg in its script',
    );
    for (const leg of inScript.legs) expect(await fleet.digitsHeard(leg.providerCallId, 1)).toBe('1');

    // Dead between the two steps: the second step's timers are rows nobody is running.
    await fleet.kill(first);
    for (const leg of inScript.legs) {
      expect((await fleet.simCall(leg.providerCallId ?? '')).status).toBe('in-progress');
    }

    await fleet.runBuiltOrchestrator();
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 3,
      'every leg holding after the restart',
      60_000,
    );
    expect(holding.status).toBe('running');
    // The same three calls (nothing redialed), each heard the script once.
    expect(holding.legs.map((l) => l.providerCallId).sort()).toEqual(inScript.legs.map((l) => l.providerCallId).sort());
    for (const leg of holding.legs) expect(await fleet.digitsHeard(leg.providerCallId, 2)).toBe('12');
    expect(await fleet.simCallsTo(IVR_THEN_HOLD)).toHaveLength(3);
    expect(await fleet.leasedLines(orgId)).toBe(3);

    const cancelled = await fleet.ok<HuntDto>('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
    expect(cancelled.status).toBe('cancelled');
    expect(await fleet.leasedLines(orgId)).toBe(0);
    await waitFor(
      async () => (await fleet.simCallsTo(IVR_THEN_HOLD)).every((c) => c.status === 'completed'),
      10_000,
      'every call hung up',
    );
  }, 180_000);

  it('during the dials: a leg whose dial was in flight is never dialed twice, and the hunt goes on', async () => {
    const first = await fleet.runBuiltOrchestrator();
    const { orgId } = await fleet.org(4);
    const earlier = new Set((await fleet.simCallsTo(HOLD_FOREVER)).map((c) => c.sid));
    const callsOfThisHunt = async () => (await fleet.simCallsTo(HOLD_FOREVER)).filter((c) => !earlier.has(c.sid));
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: HOLD_FOREVER, lines: 4, staggerMs: 400, ivrScript: [] },
      { orgId, roles: ['agent'] },
    );
    // Killed with some dials placed and others still timers.
    await waitFor(async () => (await callsOfThisHunt()).length >= 2, 15_000, 'two dials placed');
    await fleet.kill(first);
    await fleet.runBuiltOrchestrator();
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 4,
      'a leg holding on every line after the restart',
      90_000,
    );
    // One live leg per line, and the calls on the far end are exactly theirs: nothing dialed twice, no
    // orphan call left talking (a dial cut off mid-request fails its leg, which is redialed as a new one).
    const lines = holding.legs.filter((l) => l.status === 'holding').map((l) => l.lineId);
    expect(new Set(lines).size).toBe(4);
    const ours = holding.legs.filter((l) => l.status === 'holding').map((l) => l.providerCallId);
    await waitFor(
      async () => {
        const talking = (await callsOfThisHunt()).filter((c) => c.status === 'in-progress');
        return talking.length === 4 && talking.every((c) => ours.includes(c.sid));
      },
      15_000,
      'the far end talking on exactly the holding legs',
    );
    await fleet.ok('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
    expect(await fleet.leasedLines(orgId)).toBe(0);
  }, 180_000);

  it('during the hand-off: after a restart the dial in progress is not cut, the retry connects, one transfer, no line leaked', async () => {
    const first = await fleet.runBuiltOrchestrator();
    const { orgId } = await fleet.org(3);
    // Rings out once (no answer), then answers: the hand-off retries across the restart.
    const destination = await fleet.ok<{ id: string }>(
      'destinations.v1.create',
      { name: 'queue', kind: 'phone', number: '+15550401111' },
      { orgId, roles: ['admin'] },
    );
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: HOLD_FOREVER, lines: 3, staggerMs: 50, ivrScript: [], destinationId: destination.id },
      { orgId, roles: ['agent'] },
    );
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 3,
      'every leg holding',
    );
    const winner = holding.legs[1];
    await fleet.ok('hunts.v1.confirm-human', { id: created.id, legId: winner.id }, { orgId, roles: ['agent'] });
    // Killed while the destination rings: the transfer was sent, the flow answered with its <Dial>.
    await waitFor(
      async () => (await fleet.hunt(orgId, created.id)).transfer.status === 'dialing',
      20_000,
      'the destination ringing',
    );
    await fleet.kill(first);
    await fleet.runBuiltOrchestrator();

    const connected = await fleet.waitForHunt(orgId, created.id, (h) => h.status === 'connected', 'connected', 60_000);
    expect(connected.winnerLegId).toBe(winner.id);
    expect(connected.transfer).toMatchObject({ status: 'connected', attempts: 2 });
    expect(connected.legs.filter((l) => l.id !== winner.id).every((l) => l.endReason === 'lost-race')).toBe(true);
    // One redirect, two dials (the one rung out across the restart, the retry): nothing sent twice.
    const call = await fleet.simCall(winner.providerCallId ?? '');
    expect(call.dials).toHaveLength(2);
    expect(call.dials[0].status).toBe('no-answer');
    expect(call.dials[1].answeredAt).toEqual(expect.any(String));
    expect(call.status).toBe('in-progress');
    const [transfers] = await fleet.orchestratorDb.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orchestrator.outbox WHERE order_key = $1 AND subject LIKE '%transfer-started'`,
      [created.id],
    );
    expect(transfers.n).toBe(1);
    expect(await fleet.leasedLines(orgId)).toBe(0);
  }, 180_000);
});
