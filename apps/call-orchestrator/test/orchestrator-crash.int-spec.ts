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
    fleet = await HuntFleet.start({ timeScale: 10, holdSeconds: { min: 120, max: 120 } }, { replicas: 0 });
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
});
