import type { HuntDto, LegEventListDto } from '@callfleet/contracts';
import { HuntFleet } from './hunt-fleet';

const IVR_THEN_HOLD = '+15550100001';

/**
 * An `expect` step met by what media-stream hears: the legs' audio forked by the flow's
 * `<Start><Stream>` (with auth's stream token) into a real media-stream, whose speech signal moves
 * the script on, the digit after it reaching the far end over the same stream.
 */
describe('IVR expect steps, heard by media-stream', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    fleet = await HuntFleet.start({ timeScale: 4, holdSeconds: { min: 60, max: 60 } }, { media: true });
  });
  afterAll(async () => {
    if (process.env.HUNT_TEST_LOGS) console.log(fleet?.orchestrator?.logs.text());
    await fleet?.stop();
  });

  it('waits for the menu’s speech, then presses 1; the stream is never restarted', async () => {
    const { orgId } = await fleet.org(1);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      {
        phoneNumber: IVR_THEN_HOLD,
        lines: 1,
        ivrScript: [
          { action: 'expect', kind: 'speech', timeoutMs: 30_000 },
          { action: 'digits', digits: '1', afterMs: 200 },
        ],
      },
      { orgId, roles: ['agent'] },
    );
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs[0]?.status === 'holding',
      'the leg holding',
    );
    const leg = holding.legs[0];
    const events = await fleet.ok<LegEventListDto>(
      'hunts.v1.leg-events',
      { id: created.id, legId: leg.id },
      {
        orgId,
        roles: ['viewer'],
      },
    );
    const kinds = events.items.map((e) => e.kind);
    // Met by the signal, not by the timeout.
    expect(kinds).toContain('ivr-expect-met');
    expect(kinds).not.toContain('ivr-expect-timeout');
    expect(kinds.indexOf('ivr-expect-met')).toBeLessThan(kinds.indexOf('ivr-digits'));
    expect(await fleet.digitsHeard(leg.providerCallId, 1)).toBe('1');
    const call = await fleet.simCall(leg.providerCallId ?? '');
    // One stream for the whole call: the digits' call update did not restart it.
    expect(call.mediaStreams).toHaveLength(1);
    await fleet.ok('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
  });
});
