import { randomUUID } from 'node:crypto';
import { type HuntDto, ingressSubject, type LegEventListDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { HuntFleet } from './hunt-fleet';

/** The simulator's numbers pick the far end (apps/telephony-sim/README.md). */
const IVR_THEN_HOLD = '+15550100001';
const BUSY = '+15550100003';
const TOO_BUSY = '+15550100005';
const VOICEMAIL = '+15550100006';

const live = (hunt: HuntDto) => hunt.legs.filter((l) => !['ended', 'failed', 'connected'].includes(l.status));

describe('hunts through the simulator', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    // 10x: the IVR menu (a few seconds) waits long enough for the script's digits; hold is 60 s (6 s).
    fleet = await HuntFleet.start({ timeScale: 10, holdSeconds: { min: 60, max: 60 } });
  });
  afterAll(async () => {
    // HUNT_TEST_LOGS=1 shows what the orchestrator logged (warnings and errors).
    if (process.env.HUNT_TEST_LOGS) console.log(fleet?.orchestrator?.logs.text());
    await fleet?.stop();
  });

  it('dials every line, each answered leg hears its digits and holds, and cancel ends every leg and frees every line', async () => {
    const { orgId } = await fleet.org(3);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      {
        phoneNumber: IVR_THEN_HOLD,
        lines: 3,
        staggerMs: 200,
        ivrScript: [
          { action: 'digits', digits: '1', afterMs: 700, jitterMs: 100 },
          { action: 'digits', digits: '2', afterMs: 300 },
        ],
      },
      { orgId, roles: ['agent'] },
    );
    expect(created.status).toBe('running');
    expect(created.legs).toHaveLength(3);
    expect(await fleet.leasedLines(orgId)).toBe(3);

    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === 3,
      'every leg holding after its script',
    );
    for (const leg of holding.legs) {
      // The far end heard exactly the script's digits, once each, in order.
      expect(await fleet.digitsHeard(leg.providerCallId, 2)).toBe('12');
      const call = await fleet.simCall(leg.providerCallId ?? '');
      expect(call.status).toBe('in-progress');
    }

    const cancelled = await fleet.ok<HuntDto>('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
    expect(cancelled.status).toBe('cancelled');
    expect(live(cancelled)).toEqual([]);
    expect(cancelled.legs.every((l) => l.endReason === 'cancelled')).toBe(true);
    expect(await fleet.leasedLines(orgId)).toBe(0);
    for (const l of cancelled.legs) {
      await waitFor(
        async () => (await fleet.simCall(l.providerCallId ?? '')).status === 'completed',
        10_000,
        `call of ${l.id} hung up`,
      );
    }
  });

  it('redials a busy line as new legs until its attempts are spent, then the hunt is exhausted and the line free', async () => {
    const { orgId } = await fleet.org(1);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: BUSY, lines: 1, redial: { maxAttemptsPerLine: 3, backoffMs: 200 } },
      { orgId, roles: ['agent'] },
    );
    const exhausted = await fleet.waitForHunt(orgId, created.id, (h) => h.status === 'exhausted', 'the hunt exhausted');
    expect(exhausted.legs.map((l) => [l.attempt, l.status, l.endReason])).toEqual([
      [1, 'ended', 'busy'],
      [2, 'ended', 'busy'],
      [3, 'ended', 'busy'],
    ]);
    expect(new Set(exhausted.legs.map((l) => l.lineId)).size).toBe(1);
    expect(await fleet.leasedLines(orgId)).toBe(0);
  });

  it('hangs up on voicemail and redials; a line that says "call back later" and hangs up is redialed too', async () => {
    const { orgId } = await fleet.org(2);
    const redial = { maxAttemptsPerLine: 2, backoffMs: 100 };
    const voicemail = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: VOICEMAIL, lines: 1, redial, ivrScript: [] },
      { orgId, roles: ['agent'] },
    );
    const tooBusy = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: TOO_BUSY, lines: 1, redial, ivrScript: [] },
      { orgId, roles: ['agent'] },
    );
    const spentVoicemail = await fleet.waitForHunt(
      orgId,
      voicemail.id,
      (h) => h.status === 'exhausted',
      'voicemail spent',
    );
    expect(spentVoicemail.legs.map((l) => [l.attempt, l.endReason])).toEqual([
      [1, 'voicemail'],
      [2, 'voicemail'],
    ]);
    // We hung up on the greeting: the simulator saw the call completed, long before its 120 s recording ended.
    for (const l of spentVoicemail.legs) {
      await waitFor(
        async () => (await fleet.simCall(l.providerCallId ?? '')).status === 'completed',
        10_000,
        'hung up',
      );
    }
    const spentTooBusy = await fleet.waitForHunt(orgId, tooBusy.id, (h) => h.status === 'exhausted', 'too-busy spent');
    expect(spentTooBusy.legs.map((l) => [l.attempt, l.endReason])).toEqual([
      [1, 'too-busy'],
      [2, 'too-busy'],
    ]);
    expect(await fleet.leasedLines(orgId)).toBe(0);
  });

  it("answers another org's hunt and leg with NOT_FOUND on every command", async () => {
    const { orgId } = await fleet.org(1);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: BUSY, lines: 1, redial: { maxAttemptsPerLine: 1, backoffMs: 0 } },
      { orgId, roles: ['agent'] },
    );
    const stranger = { orgId: randomUUID(), roles: ['owner'] };
    for (const [subject, body] of [
      ['hunts.v1.get', { id: created.id }],
      ['hunts.v1.cancel', { id: created.id }],
      ['hunts.v1.leg-events', { id: created.id, legId: created.legs[0].id }],
    ] as const) {
      const answer = await fleet.request(subject, body, stranger);
      expect(answer).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    }
    const list = await fleet.ok<{ items: unknown[] }>('hunts.v1.list', {}, stranger);
    expect(list.items).toEqual([]);
  });

  it('refuses hostile bodies, digits outside 0-9*#w, and viewers starting hunts', async () => {
    const { orgId } = await fleet.org(1);
    const agent = { orgId, roles: ['agent'] };
    for (const body of [
      {},
      { phoneNumber: '1; DROP TABLE' },
      { phoneNumber: IVR_THEN_HOLD, lines: 71 },
      { phoneNumber: IVR_THEN_HOLD, lines: 0 },
      { phoneNumber: IVR_THEN_HOLD, ivrScript: [{ action: 'digits', digits: '1a', afterMs: 0 }] },
      { phoneNumber: IVR_THEN_HOLD, ivrScript: [{ action: 'digits', digits: '1"/><Hangup/>', afterMs: 0 }] },
      { phoneNumber: IVR_THEN_HOLD, redial: { maxAttemptsPerLine: -1, backoffMs: 0 } },
      { phoneNumber: IVR_THEN_HOLD, extra: true },
      { targetId: 'not-a-uuid' },
    ]) {
      const answer = await fleet.request('hunts.v1.create', body, agent);
      expect(answer).toMatchObject({ ok: false, status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
    const viewer = await fleet.request('hunts.v1.create', { phoneNumber: IVR_THEN_HOLD }, { orgId, roles: ['viewer'] });
    expect(viewer).toMatchObject({ ok: false, status: 403 });
    // Nothing was leased by any of them.
    expect(await fleet.leasedLines(orgId)).toBe(0);
  });

  it('keeps a leg where it is when provider callbacks come late, out of order or twice', async () => {
    const { orgId, account } = await fleet.org(1);
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: IVR_THEN_HOLD, lines: 1, ivrScript: [] },
      { orgId, roles: ['agent'] },
    );
    const holding = await fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs[0]?.status === 'holding',
      'the leg holding',
    );
    const leg = holding.legs[0];
    const stale = (status: string, sequence: number) => ({
      eventId: `twilio:${account.accountKey}:${leg.providerCallId}:${status}:${randomUUID()}`,
      provider: 'twilio',
      accountKey: account.accountKey,
      kind: 'call-status',
      callId: leg.providerCallId,
      status,
      sequence,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      raw: {},
      orgId,
    });
    await fleet.publishIngress(ingressSubject('twilio', 'call-status'), stale('ringing', 0));
    await fleet.publishIngress(ingressSubject('twilio', 'call-status'), stale('answered', 1));
    // Both are kept in the leg's history, marked as not applied; the leg did not move.
    await waitFor(
      async () => {
        const events = await fleet.ok<LegEventListDto>(
          'hunts.v1.leg-events',
          { id: created.id, legId: leg.id },
          { orgId, roles: ['viewer'] },
        );
        return events.items.filter((e) => e.kind === 'call-status' && e.detail.applied === false).length >= 2;
      },
      10_000,
      'the stale callbacks recorded',
    );
    expect((await fleet.hunt(orgId, created.id)).legs[0].status).toBe('holding');
    await fleet.ok('hunts.v1.cancel', { id: created.id }, { orgId, roles: ['agent'] });
  });
});
