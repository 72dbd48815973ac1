import { randomUUID } from 'node:crypto';
import { type HuntDto, LiveHumanDetected, type LiveHumanDetectedData } from '@callfleet/contracts';
import { eventEnvelope } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { liveHumanEventId } from '../../media-stream/src/detection/live-human-event-id';
import { HUNT_TRANSFER_JOB } from '../src/handoff/hunt-transfer.job';
import { DIAL_LEG_JOB } from '../src/legs/leg-endings.service';
import { HuntFleet } from './hunt-fleet';

/** The simulator's number whose far end answers and holds for good (apps/telephony-sim, scenario `hold-forever`). */
const HOLD_FOREVER = '+15550100008';
/** A person answers at once; the simulator's AMD says `human`. */
const HUMAN = '+15550100002';

/**
 * The win through the fleet: legs holding on the simulator, media-stream's durable live-human
 * decision published on JetStream exactly as media-stream publishes it (its envelope and message id),
 * the orchestrator's consumer deciding, the losers hung up at the simulator. The hand-off itself is
 * hunt-handoff's (hunt-handoff.int-spec.ts): here its job is asserted as the row the win scheduled.
 */
describe('the win through the fleet', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    // The win is what is checked here: the hand-off it starts rings a destination that does not answer
    // (a 600 s dial, 60 s here), so the hunt stays `transferring` with the winner's line held meanwhile.
    fleet = await HuntFleet.start({ timeScale: 10 }, { env: { HUNT_HANDOFF_DIAL_TIMEOUT_SEC: '600' } });
  });
  afterAll(async () => {
    if (process.env.HUNT_TEST_LOGS) console.log(fleet?.orchestrator?.logs.text());
    await fleet?.stop();
  });

  async function holdingHunt(orgId: string, lines: number, detection?: object): Promise<HuntDto> {
    const created = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: HOLD_FOREVER, lines, staggerMs: 50, ivrScript: [], ...(detection ? { detection } : {}) },
      { orgId, roles: ['agent'] },
    );
    return fleet.waitForHunt(
      orgId,
      created.id,
      (h) => h.legs.filter((l) => l.status === 'holding').length === lines,
      `${lines} legs holding`,
    );
  }

  /** What media-stream publishes when it hears a person on our call: the same envelope, id and Nats-Msg-Id. */
  async function publishLiveHuman(orgId: string, callId: string, providerCallId: string, confidence = 0.93) {
    const streamId = `MZ${callId.replace(/-/g, '').slice(0, 30)}`;
    const data: LiveHumanDetectedData = {
      callId,
      provider: 'twilio',
      providerCallId,
      streamId,
      atMs: 12_000,
      confidence,
      evidence: ['speech-after-hold', 'non-repeating'],
    };
    const envelope = eventEnvelope(
      LiveHumanDetected.subject,
      data,
      { orgId, id: liveHumanEventId(callId, streamId), correlationId: callId },
      new Date(),
    );
    const h = natsHeaders();
    h.set('Nats-Msg-Id', envelope.id);
    await jetstream(fleet.nc).publish(fleet.ns.subject(LiveHumanDetected.subject), JSON.stringify(envelope), {
      headers: h,
    });
    return envelope;
  }

  /** Our call id of a leg (media-stream names calls by it). */
  async function callOf(legId: string): Promise<string> {
    const [row] = await fleet.orchestratorDb.query<{ call_id: string }>(
      'SELECT call_id FROM orchestrator.legs WHERE id = $1',
      [legId],
    );
    return row.call_id;
  }

  /** An org whose default destination never answers (the simulator's …1102), as the hand-off's backdrop. */
  async function orgWithRingingDestination(lines: number): Promise<{ orgId: string }> {
    const { orgId } = await fleet.org(lines);
    await fleet.ok(
      'destinations.v1.create',
      { name: 'never answers', kind: 'phone', number: '+15550801102', isDefault: true },
      { orgId, roles: ['admin'] },
    );
    return { orgId };
  }

  async function transferJobs(huntId: string) {
    return fleet.orchestratorDb.query<{ key: string; status: string; payload: Record<string, unknown> }>(
      `SELECT key, status, payload FROM orchestrator.jobs WHERE kind = $1 AND payload->>'huntId' = $2`,
      [HUNT_TRANSFER_JOB, huntId],
    );
  }

  async function huntEvents(huntId: string): Promise<{ subject: string; data: Record<string, unknown> }[]> {
    const rows = await fleet.orchestratorDb.query<{ subject: string; envelope: { data: Record<string, unknown> } }>(
      `SELECT subject, envelope FROM orchestrator.outbox WHERE order_key = $1 AND subject IN
         ('events.hunts.v1.human-detected', 'events.hunts.v1.won') ORDER BY id`,
      [huntId],
    );
    return rows.map((r) => ({ subject: r.subject, data: r.envelope.data }));
  }

  it('one leg wins (a duplicate and a second leg a few ms later change nothing), the losers are hung up, their lines free', async () => {
    const { orgId } = await orgWithRingingDestination(4);
    const hunt = await holdingHunt(orgId, 4);
    const [first, second] = hunt.legs;
    const firstCall = await callOf(first.id);
    const secondCall = await callOf(second.id);
    await Promise.all([
      publishLiveHuman(orgId, firstCall, first.providerCallId ?? ''),
      // The same decision again (a republish after a lost acknowledgement: same id).
      publishLiveHuman(orgId, firstCall, first.providerCallId ?? ''),
      publishLiveHuman(orgId, secondCall, second.providerCallId ?? ''),
    ]);
    const won = await fleet.waitForHunt(orgId, hunt.id, (h) => h.status === 'transferring', 'the hunt won');
    expect([first.id, second.id]).toContain(won.winnerLegId);
    const winner = won.legs.find((l) => l.id === won.winnerLegId);
    expect(winner).toMatchObject({ status: 'transferring', detection: { decidedBy: 'media', confidence: 0.93 } });
    const losers = won.legs.filter((l) => l.id !== won.winnerLegId);
    expect(losers.map((l) => [l.status, l.endReason])).toEqual(losers.map(() => ['ended', 'lost-race']));
    // Every loser's far end is hung up at once (durable hang-up jobs), the winner's stays on the line.
    for (const leg of losers) {
      await waitFor(
        async () => (await fleet.simCall(leg.providerCallId ?? '')).status === 'completed',
        10_000,
        `loser ${leg.id} hung up`,
      );
    }
    const [won_at] = await fleet.orchestratorDb.query<{ won_at: Date; fence: number }>(
      'SELECT won_at, winner_fence::int AS fence FROM orchestrator.hunts WHERE id = $1',
      [hunt.id],
    );
    for (const leg of losers) {
      const ended = Date.parse((await fleet.simCall(leg.providerCallId ?? '')).endedAt ?? '');
      expect(ended - new Date(won_at.won_at).getTime()).toBeLessThan(1_000);
    }
    expect((await fleet.simCall(winner?.providerCallId ?? '')).status).toBe('in-progress');
    expect(await fleet.leasedLines(orgId)).toBe(1);
    // One hand-off, under the fence (run at once by the winning process; what it does is hunt-handoff's).
    const jobs = await transferJobs(hunt.id);
    expect(jobs).toEqual([
      {
        key: `transfer:${hunt.id}:${won_at.fence}`,
        status: expect.stringMatching(/^(pending|running|done)$/),
        payload: expect.objectContaining({ legId: won.winnerLegId, fence: won_at.fence, orgId }),
      },
    ]);
    expect((await huntEvents(hunt.id)).map((e) => [e.subject, e.data.legId])).toEqual([
      ['events.hunts.v1.human-detected', won.winnerLegId],
      ['events.hunts.v1.won', won.winnerLegId],
    ]);
    // The duplicate was kept once in the winner's history: one row per event id.
    const winnerCall = won.winnerLegId === first.id ? firstCall : secondCall;
    const [row] = await fleet.orchestratorDb.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orchestrator.leg_events WHERE call_id = $1 AND kind = 'live-human-detected'`,
      [winnerCall],
    );
    expect(row.n).toBe(1);
  });

  it('in confirm mode a detection only alerts; a confirmation wins, and another leg is then refused', async () => {
    const { orgId } = await orgWithRingingDestination(2);
    const hunt = await holdingHunt(orgId, 2, { mode: 'confirm' });
    expect(hunt.detection).toEqual({ mode: 'confirm', minConfidence: 0.8 });
    const [heard, other] = hunt.legs;
    await publishLiveHuman(orgId, await callOf(heard.id), heard.providerCallId ?? '');
    await waitFor(async () => (await huntEvents(hunt.id)).length === 1, 10_000, 'the alert');
    expect(await huntEvents(hunt.id)).toEqual([
      {
        subject: 'events.hunts.v1.human-detected',
        data: expect.objectContaining({ legId: heard.id, decidedBy: 'media', mode: 'confirm' }),
      },
    ]);
    const alerted = await fleet.hunt(orgId, hunt.id);
    expect(alerted.status).toBe('running');
    expect(alerted.legs.find((l) => l.id === heard.id)).toMatchObject({
      status: 'holding',
      detection: { decidedBy: 'media' },
    });
    expect(await fleet.leasedLines(orgId)).toBe(2);

    // Another org and a viewer cannot confirm.
    const stranger = await fleet.request(
      'hunts.v1.confirm-human',
      { id: hunt.id, legId: heard.id },
      {
        orgId: randomUUID(),
        roles: ['owner'],
      },
    );
    expect(stranger).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    const viewer = await fleet.request(
      'hunts.v1.confirm-human',
      { id: hunt.id, legId: heard.id },
      {
        orgId,
        roles: ['viewer'],
      },
    );
    expect(viewer).toMatchObject({ ok: false, status: 403 });

    const confirmed = await fleet.ok<HuntDto>(
      'hunts.v1.confirm-human',
      { id: hunt.id, legId: heard.id },
      { orgId, roles: ['agent'] },
    );
    expect(confirmed).toMatchObject({ status: 'transferring', winnerLegId: heard.id });
    expect(confirmed.legs.find((l) => l.id === heard.id)).toMatchObject({
      status: 'transferring',
      detection: { decidedBy: 'manual', confidence: 1 },
    });
    expect(confirmed.legs.find((l) => l.id === other.id)).toMatchObject({ status: 'ended', endReason: 'lost-race' });
    expect(await transferJobs(hunt.id)).toHaveLength(1);
    // Confirming the winner again answers the hunt as it is; the other leg is refused.
    const again = await fleet.ok<HuntDto>(
      'hunts.v1.confirm-human',
      { id: hunt.id, legId: heard.id },
      { orgId, roles: ['agent'] },
    );
    expect(again.winnerLegId).toBe(heard.id);
    const refused = await fleet.request(
      'hunts.v1.confirm-human',
      { id: hunt.id, legId: other.id },
      {
        orgId,
        roles: ['agent'],
      },
    );
    expect(refused).toMatchObject({ ok: false, status: 409, body: { code: 'CONFLICT' } });
    expect(await transferJobs(hunt.id)).toHaveLength(1);
    expect(await fleet.leasedLines(orgId)).toBe(1);

    // A redial written just as the win read the hunt's live legs: its dial finds the hunt won and ends it.
    const late = randomUUID();
    await fleet.orchestratorDb.query(
      `INSERT INTO orchestrator.legs (id, org_id, hunt_id, line_id, attempt, status) VALUES ($1, $2, $3, $4, 2, 'dialing')`,
      [late, orgId, hunt.id, other.lineId],
    );
    await fleet.orchestratorDb.query(
      `INSERT INTO orchestrator.jobs (key, kind, payload, run_at, created_at, updated_at)
       VALUES ($1, $2, $3, now(), now(), now())`,
      [`dial:${late}`, DIAL_LEG_JOB, JSON.stringify({ orgId, legId: late })],
    );
    await fleet.orchestratorDb.query(`SELECT pg_notify('orchestrator_jobs', '')`);
    const ended = await fleet.waitForHunt(
      orgId,
      hunt.id,
      (h) => h.legs.some((l) => l.id === late && l.status === 'ended'),
      'the late redial ended',
    );
    expect(ended.legs.find((l) => l.id === late)).toMatchObject({ endReason: 'lost-race', providerCallId: null });
    // It dialed nothing.
    expect(await fleet.orchestratorDb.query('SELECT id FROM orchestrator.calls WHERE dial_key = $1', [late])).toEqual(
      [],
    );
    expect(await fleet.leasedLines(orgId)).toBe(1);
  });

  it("wins on the provider's AMD `human` where the target answers directly (no script), never behind a menu", async () => {
    const { orgId } = await orgWithRingingDestination(2);
    const direct = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: HUMAN, lines: 1, ivrScript: [] },
      { orgId, roles: ['agent'] },
    );
    const won = await fleet.waitForHunt(orgId, direct.id, (h) => h.status === 'transferring', 'won by AMD');
    expect(won.legs.find((l) => l.id === won.winnerLegId)?.detection).toMatchObject({ decidedBy: 'amd' });
    expect(await transferJobs(direct.id)).toHaveLength(1);

    const menu = await fleet.ok<HuntDto>(
      'hunts.v1.create',
      { phoneNumber: HUMAN, lines: 1, ivrScript: [{ action: 'wait', ms: 60_000 }] },
      { orgId, roles: ['agent'] },
    );
    const legId = menu.legs[0].id;
    // The AMD result is in the leg's history, judged and ignored: a target with a menu answers with a machine.
    const amd = await waitFor(
      async () => {
        const rows = await fleet.orchestratorDb.query<{ detail: Record<string, unknown> }>(
          `SELECT detail FROM orchestrator.leg_events WHERE leg_id = $1 AND kind = 'amd'`,
          [legId],
        );
        return rows.length > 0 && rows;
      },
      20_000,
      'the AMD result kept',
    );
    expect(amd).toEqual([
      { detail: expect.objectContaining({ answeredBy: 'human', decision: 'ignore', why: 'not-answered-directly' }) },
    ]);
    const still = await fleet.hunt(orgId, menu.id);
    expect(still.winnerLegId).toBeNull();
    expect(await transferJobs(menu.id)).toHaveLength(0);
  });
});
