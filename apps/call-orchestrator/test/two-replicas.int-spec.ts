import type { HuntDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { HuntFleet } from './hunt-fleet';

const IVR_THEN_HOLD = '+15550100001';

/** Two orchestrator replicas on one database share a hunt's work without doubling a dial or a digit. */
describe('two orchestrator replicas', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    fleet = await HuntFleet.start({ timeScale: 10, holdSeconds: { min: 60, max: 60 } }, { replicas: 2 });
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it('dials each leg once and presses each digit once', async () => {
    const { orgId } = await fleet.org(4);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      {
        phoneNumber: IVR_THEN_HOLD,
        lines: 4,
        staggerMs: 50,
        ivrScript: [
          { action: 'digits', digits: '1', afterMs: 600 },
          { action: 'digits', digits: '2', afterMs: 300 },
        ],
      },
      { orgId, roles: ['agent'] },
    );
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 4,
      'every leg holding',
    );
    const calls = await fleet.simCallsTo(IVR_THEN_HOLD);
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.sid))).toEqual(new Set(holding.legs.map((l) => l.providerCallId)));
    for (const call of calls) expect(await fleet.digitsHeard(call.sid, 2)).toBe('12');
    await fleet.ok('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
    await waitFor(
      async () => (await fleet.simCallsTo(IVR_THEN_HOLD)).every((c) => c.status === 'completed'),
      10_000,
      'every call hung up',
    );
  });

  it('goes on where it was when a replica stops mid-script: the other presses the rest, never a digit twice, no line kept', async () => {
    const { orgId } = await fleet.org(2);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      {
        phoneNumber: IVR_THEN_HOLD,
        lines: 2,
        staggerMs: 50,
        ivrScript: [
          { action: 'digits', digits: '1', afterMs: 300 },
          { action: 'digits', digits: '2', afterMs: 2500 },
        ],
      },
      { orgId, roles: ['agent'] },
    );
    const ivr = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'ivr').length === 2,
      'both legs in their script',
    );
    await waitFor(
      async () => {
        for (const leg of ivr.legs) {
          if ((await fleet.simCall(leg.providerCallId ?? '')).digitsReceived.join('') !== '1') return false;
        }
        return true;
      },
      10_000,
      'the first digit on both legs',
    );
    // One replica goes away with the second step's timers pending: the durable timers are the other's now.
    await fleet.stopFirstReplica();
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 2,
      'both legs holding after the script',
    );
    for (const leg of holding.legs) expect(await fleet.digitsHeard(leg.providerCallId, 2)).toBe('12');
    const cancelled = await fleet.ok<HuntDto>('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
    expect(cancelled.status).toBe('cancelled');
    expect(await fleet.leasedLines(orgId)).toBe(0);
  });
});
