import type { HuntDto } from '@callfleet/contracts';
import { ManualClock } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { HuntFleet } from './hunt-fleet';

const HOLD_FOREVER = '+15550100008';

/** The hunt's time budget is a durable timer on the orchestrator's clock (moved here, not waited for). */
describe('a hunt past its deadline', () => {
  let fleet: HuntFleet;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    fleet = await HuntFleet.start({ timeScale: 10 }, { clock });
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it('is exhausted: every call hung up, every leg ended, every line released', async () => {
    const { orgId } = await fleet.org(2);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: HOLD_FOREVER, lines: 2, staggerMs: 0, maxDurationMinutes: 1, ivrScript: [] },
      { orgId, roles: ['agent'] },
    );
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 2,
      'both legs on hold',
    );
    clock.advance(61_000);
    const exhausted = await fleet.waitForHunt(orgId, created.id, (h) => h.status === 'exhausted', 'the hunt exhausted');
    expect(exhausted.legs.map((l) => [l.status, l.endReason])).toEqual([
      ['ended', 'exhausted'],
      ['ended', 'exhausted'],
    ]);
    for (const leg of holding.legs) {
      await waitFor(
        async () => (await fleet.simCall(leg.providerCallId ?? '')).status === 'completed',
        15_000,
        'hung up',
      );
    }
    expect(await fleet.leasedLines(orgId)).toBe(0);
  });
});
