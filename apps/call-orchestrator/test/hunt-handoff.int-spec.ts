import { randomUUID } from 'node:crypto';
import type { DestinationDto, HuntDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import type { DialAttempt } from '../../telephony-sim/src/calls/sim-call';
import { SIM_TWILIO } from '../../webhook-ingest/test/simulator';
import { HUNT_TRANSFER_JOB, type HuntTransferPayload, huntTransferKey } from '../src/handoff/hunt-transfer.job';
import { HuntFleet } from './hunt-fleet';

/** A person answers at once and stays on while we hand them off (apps/telephony-sim/README.md). */
const PERSON = '+15550100002';
const GREETING = 'Hello, please hold while we connect you.';
const HOLD = 'Thanks for waiting, still connecting you.';
const APOLOGY = 'Sorry, nobody could take the call. Goodbye.';
const HANDOFF_ENV = {
  HUNT_HANDOFF_GREETING: GREETING,
  HUNT_HANDOFF_HOLD_MESSAGE: HOLD,
  HUNT_HANDOFF_APOLOGY: APOLOGY,
  HUNT_HANDOFF_RETRY_SPACING_SEC: '1',
  HUNT_HANDOFF_DIAL_TIMEOUT_SEC: '5',
};

interface Held {
  orgId: string;
  hunt: HuntDto;
  legId: string;
  callId: string;
  sid: string;
}

/** A one-line hunt of PERSON handing off to `destination`, its leg holding (the person on the line). */
async function holdingHunt(fleet: HuntFleet, destination: string): Promise<Held> {
  const { orgId } = await fleet.org(1);
  const admin = { orgId, roles: ['admin'] };
  const dest = await fleet.ok<DestinationDto>(
    'destinations.v1.create',
    { name: `queue ${destination}`, kind: 'phone', number: destination },
    admin,
  );
  const created = await fleet.ok<HuntDto>(
    'hunts.v1.create',
    { phoneNumber: PERSON, lines: 1, ivrScript: [], destinationId: dest.id },
    { orgId, roles: ['agent'] },
  );
  const hunt = await fleet.waitForHunt(orgId, created.id, (h) => h.legs[0]?.status === 'holding', 'the leg holding');
  const leg = hunt.legs[0];
  const [row] = await fleet.orchestratorDb.query<{ call_id: string }>(
    'SELECT call_id FROM orchestrator.legs WHERE id = $1',
    [leg.id],
  );
  return { orgId, hunt, legId: leg.id, callId: row.call_id, sid: leg.providerCallId ?? '' };
}

/** A transfer job's row as the scheduler writes it, or as a replica killed mid-run leaves it; runners woken. */
async function insertTransferJob(
  fleet: HuntFleet,
  key: string,
  payload: HuntTransferPayload,
  killedMidRun = false,
): Promise<void> {
  await fleet.orchestratorDb.query(
    `INSERT INTO orchestrator.jobs (key, kind, payload, status, run_at, attempts, locked_by, locked_until, created_at, updated_at)
     VALUES ($1, $2, $3, $4, now(), $5, $6, $7, now(), now())`,
    killedMidRun
      ? [key, HUNT_TRANSFER_JOB, payload, 'running', 1, 'killed-replica', new Date(Date.now() - 1_000)]
      : [key, HUNT_TRANSFER_JOB, payload, 'pending', 0, null, null],
  );
  await fleet.orchestratorDb.query(`SELECT pg_notify('orchestrator_jobs', '')`);
}

/**
 * What the win does: the hunt and its winner moved to `transferring` (fence 1), the transfer job
 * scheduled. `claimed-then-crashed`: a transfer job also took the hand-off (`sending`, committed) and
 * died before its call update left, its row still `running` under an expired lease.
 */
async function winForTest(
  fleet: HuntFleet,
  held: Held,
  how: 'won' | 'claimed-then-crashed' = 'won',
): Promise<HuntTransferPayload> {
  // replaced by hunts.v1.confirm-human once hunt-winner lands
  const payload: HuntTransferPayload = {
    orgId: held.orgId,
    huntId: held.hunt.id,
    legId: held.legId,
    fence: 1,
    decidedAtMs: Date.now(),
  };
  const crashed = how === 'claimed-then-crashed';
  await fleet.orchestratorDb.query(
    `UPDATE orchestrator.hunts SET status = 'transferring', winner_leg_id = $3, winner_fence = 1, won_at = now(),
            transfer_status = $4, transfer_attempts = $5, updated_at = now()
      WHERE id = $1 AND org_id = $2 AND status = 'running' AND winner_leg_id IS NULL`,
    [held.hunt.id, held.orgId, held.legId, crashed ? 'sending' : 'pending', crashed ? 1 : 0],
  );
  await fleet.orchestratorDb.query(`UPDATE orchestrator.legs SET status = 'transferring' WHERE id = $1`, [held.legId]);
  await insertTransferJob(fleet, huntTransferKey(held.hunt.id, 1), payload, crashed);
  return payload;
}

/** The same transfer job once more, under another key (a redelivery the scheduler's key would never allow). */
async function transferJobAgain(fleet: HuntFleet, payload: HuntTransferPayload): Promise<void> {
  const key = `${huntTransferKey(payload.huntId, payload.fence)}:again:${randomUUID()}`;
  await insertTransferJob(fleet, key, payload);
  await waitFor(
    async () => {
      const [job] = await fleet.orchestratorDb.query<{ status: string }>(
        'SELECT status FROM orchestrator.jobs WHERE key = $1',
        [key],
      );
      return job?.status === 'done';
    },
    10_000,
    'the repeated transfer job run',
  );
}

/** The hunt's events as the outbox keeps them (published in this order, per hunt). */
async function huntEvents(
  fleet: HuntFleet,
  huntId: string,
): Promise<{ subject: string; data: Record<string, unknown> }[]> {
  const rows = await fleet.orchestratorDb.query<{ subject: string; envelope: { data: Record<string, unknown> } }>(
    'SELECT subject, envelope FROM orchestrator.outbox WHERE order_key = $1 ORDER BY id',
    [huntId],
  );
  return rows
    .filter((r) => !r.subject.endsWith('leg-status-changed') && !r.subject.endsWith('created'))
    .map((r) => ({ subject: r.subject.replace(/^.*events\.hunts\.v1\./, ''), data: r.envelope.data }));
}

async function dials(fleet: HuntFleet, sid: string): Promise<DialAttempt[]> {
  return (await fleet.sim.admin<{ items: DialAttempt[] }>('GET', `/calls/${sid}/dials`)).items;
}

async function said(fleet: HuntFleet, sid: string): Promise<string[]> {
  return (await fleet.sim.admin<{ said: string[] }>('GET', `/calls/${sid}/heard`)).said;
}

/** The flow request webhook-ingest makes for a `<Dial action>` (as if the provider sent it again). */
async function dialActionAgain(fleet: HuntFleet, held: Held, attempt: number, status: string): Promise<string> {
  const [call] = await fleet.orchestratorDb.query<{ account_key: string; from_number: string; to_number: string }>(
    'SELECT account_key, from_number, to_number FROM orchestrator.calls WHERE id = $1',
    [held.callId],
  );
  const answer = await fleet.ok<{ body: string }>(
    'calls.v1.flow',
    {
      provider: 'twilio',
      accountKey: call.account_key,
      callId: held.sid,
      from: call.from_number,
      to: call.to_number,
      params: { DialCallStatus: status, DialCallSid: `CA${'0'.repeat(32)}`, CallStatus: 'in-progress' },
      query: { call: held.callId, handoff: '1', attempt: String(attempt) },
    },
    { orgId: held.orgId, roles: ['service'] },
  );
  return answer.body;
}

describe('the hand-off of a won leg, through the simulator', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    fleet = await HuntFleet.start({ timeScale: 10 }, { env: { ...HANDOFF_ENV, HUNT_HANDOFF_RETRIES: '2' } });
  });
  afterAll(async () => {
    if (process.env.HUNT_TEST_LOGS) console.log(fleet?.orchestrator.logs.text());
    await fleet?.stop();
  });

  it('connects the person to a destination that answers: bridged, never hung up on, the line free, the events in order', async () => {
    const held = await holdingHunt(fleet, '+15550201100');
    const payload = await winForTest(fleet, held);
    const connected = await fleet.waitForHunt(held.orgId, held.hunt.id, (h) => h.status === 'connected', 'connected');
    expect(connected.transfer).toMatchObject({ status: 'connected', attempts: 1 });
    expect(connected.transfer.connectedAt).toEqual(expect.any(String));
    expect(connected.legs[0]).toMatchObject({ status: 'connected' });
    expect(await fleet.leasedLines(held.orgId)).toBe(0);

    // The far end was bridged to the destination, connected as it answered (not when the bridge ended),
    // and the call ended when the person hung up, not us.
    await waitFor(async () => (await fleet.simCall(held.sid)).status === 'completed', 30_000, 'the person hung up');
    const bridges = await fleet.sim.admin<{
      items: { callSid: string; destination: { value: string }; answeredAt: string; endedAt: string }[];
    }>('GET', '/bridges');
    const bridged = bridges.items.filter((b) => b.callSid === held.sid);
    expect(bridged.map((b) => b.destination.value)).toEqual(['+15550201100']);
    expect(Date.parse(connected.transfer.connectedAt ?? '')).toBeLessThan(Date.parse(bridged[0].endedAt));
    const call = await fleet.simCall(held.sid);
    const hangUps = call.history.filter((h) => h.type === 'hang-up') as unknown as { by: string }[];
    expect(hangUps.map((h) => h.by)).toEqual(['far-end']);
    expect(await said(fleet, held.sid)).toEqual([GREETING]);

    // The transfer's latency was measured, from the deciding signal to the request leaving.
    const metrics = await (await fetch(`${fleet.orchestrator.url}/metrics`)).text();
    expect(metrics).toMatch(/^callfleet_hunt_transfer_latency_seconds_count(\{[^}]*\})? [1-9]/m);

    // A repeated transfer job changes nothing: one dial, one transfer-started.
    await transferJobAgain(fleet, payload);
    expect(await dials(fleet, held.sid)).toHaveLength(1);
    expect((await huntEvents(fleet, held.hunt.id)).map((e) => e.subject)).toEqual(['transfer-started', 'connected']);
  });

  it('holds the person while a busy destination is dialed again, alerts the user, and connects on the third dial', async () => {
    const held = await holdingHunt(fleet, '+15550301122');
    await winForTest(fleet, held);
    const connected = await fleet.waitForHunt(held.orgId, held.hunt.id, (h) => h.status === 'connected', 'connected');
    expect(connected.transfer).toMatchObject({ status: 'connected', attempts: 3 });
    await waitFor(async () => (await fleet.simCall(held.sid)).status === 'completed', 30_000, 'the person hung up');
    expect((await dials(fleet, held.sid)).map((d) => d.status)).toEqual(['busy', 'busy', 'completed']);
    expect(await said(fleet, held.sid)).toEqual([GREETING, HOLD, HOLD]);
    const events = await huntEvents(fleet, held.hunt.id);
    expect(events.map((e) => [e.subject, e.data.attempt ?? null])).toEqual([
      ['transfer-started', 1],
      ['transfer-retrying', 2],
      ['transfer-retrying', 3],
      ['connected', null],
    ]);
    expect(events[1].data.reason).toBe('busy');
    expect(await fleet.leasedLines(held.orgId)).toBe(0);

    // The provider repeating dial 1's outcome moves nothing and dials nothing more.
    await dialActionAgain(fleet, held, 1, 'busy');
    const after = await fleet.hunt(held.orgId, held.hunt.id);
    expect(after.status).toBe('connected');
    expect(after.transfer.attempts).toBe(3);
    expect(await huntEvents(fleet, held.hunt.id)).toHaveLength(4);
    expect(await dials(fleet, held.sid)).toHaveLength(3);
  });

  it('sends the redirect from the retried job when the first run died between its claim and its request', async () => {
    const held = await holdingHunt(fleet, '+15550601104');
    await winForTest(fleet, held, 'claimed-then-crashed');
    const connected = await fleet.waitForHunt(held.orgId, held.hunt.id, (h) => h.status === 'connected', 'connected');
    expect(connected.transfer).toMatchObject({ status: 'connected', attempts: 1 });
    // The destination hung up first (…1104): the bridge is over, so the call ends with our <Hangup/>.
    await waitFor(async () => (await fleet.simCall(held.sid)).status === 'completed', 30_000, 'the call ended');
    expect((await dials(fleet, held.sid)).map((d) => d.status)).toEqual(['completed']);
    expect(await said(fleet, held.sid)).toEqual([GREETING]);
    expect(await fleet.leasedLines(held.orgId)).toBe(0);
    // The dead run committed its transfer-started with its claim (the helper writes none).
    expect((await huntEvents(fleet, held.hunt.id)).map((e) => e.subject)).toEqual(['connected']);
  });
});

describe('a hand-off whose destination never answers', () => {
  let fleet: HuntFleet;

  beforeAll(async () => {
    fleet = await HuntFleet.start({ timeScale: 10 }, { env: { ...HANDOFF_ENV, HUNT_HANDOFF_RETRIES: '1' } });
  });
  afterAll(async () => {
    if (process.env.HUNT_TEST_LOGS) console.log(fleet?.orchestrator.logs.text());
    await fleet?.stop();
  });

  it('holds the person through the retry, tells them before the call ends, and fails destination-unavailable', async () => {
    const held = await holdingHunt(fleet, '+15550401102');
    await winForTest(fleet, held);
    const failed = await fleet.waitForHunt(held.orgId, held.hunt.id, (h) => h.status === 'failed', 'failed');
    expect(failed.transfer).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed.legs[0]).toMatchObject({ status: 'failed', endReason: 'destination-unavailable' });
    expect(await fleet.leasedLines(held.orgId)).toBe(0);
    expect((await dials(fleet, held.sid)).map((d) => d.status)).toEqual(['no-answer', 'no-answer']);
    await waitFor(async () => (await fleet.simCall(held.sid)).status === 'completed', 10_000, 'the call ended');
    expect(await said(fleet, held.sid)).toEqual([GREETING, HOLD, APOLOGY]);
    const events = await huntEvents(fleet, held.hunt.id);
    expect(events.map((e) => e.subject)).toEqual(['transfer-started', 'transfer-retrying', 'failed']);
    expect(events[2].data).toMatchObject({ legId: held.legId, reason: 'destination-unavailable' });
  });

  it('fails far-end-hung-up and frees the line when the person hangs up during the hand-off', async () => {
    const held = await holdingHunt(fleet, '+15550501102');
    await winForTest(fleet, held);
    await fleet.waitForHunt(held.orgId, held.hunt.id, (h) => h.transfer.status === 'dialing', 'the hand-off dialing');
    // The person hangs up (the provider's API ends the call as if they did).
    const auth = Buffer.from(`${SIM_TWILIO.accountSid}:${SIM_TWILIO.authToken}`).toString('base64');
    const hungUp = await fetch(`${fleet.sim.url}/2010-04-01/Accounts/${SIM_TWILIO.accountSid}/Calls/${held.sid}.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Status=completed',
    });
    expect(hungUp.status).toBe(200);
    const failed = await fleet.waitForHunt(held.orgId, held.hunt.id, (h) => h.status === 'failed', 'failed');
    expect(failed.endReason).toBe('far-end-hung-up');
    expect(failed.legs[0]).toMatchObject({ status: 'ended', endReason: 'far-end-hung-up' });
    expect(await fleet.leasedLines(held.orgId)).toBe(0);
    const subjects = (await huntEvents(fleet, held.hunt.id)).map((e) => e.subject);
    expect(subjects[0]).toBe('transfer-started');
    expect(subjects.filter((s) => s === 'failed' || s === 'connected')).toEqual(['failed']);
  });
});
