import { randomUUID } from 'node:crypto';
import type { MediaSignal } from '@callfleet/contracts';
import { startTestService, waitFor } from '@callfleet/testing';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { SimCall } from '../../telephony-sim/src/calls/sim-call';
import type { MediaStreamRecord } from '../../telephony-sim/src/media/media-stream-session';
import { telephonySimService } from '../../telephony-sim/src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from '../../telephony-sim/test/sim-client';
import { MediaStreamHarness } from './media-stream-harness';

/** The dev simulator's pace: 8x (a 90 s hold takes ~11 s); the detector works in audio time, whatever the pace. */
const TIME_SCALE = Number(process.env.HUNT_TIME_SCALE ?? 8);
/** The simulator's hunting line: each call to it gets its own seeded outcome (mostly IVR, hold, then a person). */
const HUNTING_NUMBER = '+15550000010';
const LEGS = Number(process.env.HUNT_LEGS ?? 6);
const SEEDS = (process.env.HUNT_SEEDS ?? 'hunt-1,hunt-2').split(',');
/** The evaluation's rule: no decision within 10 s after the onset is a miss. */
const SCORING_WINDOW_MS = 10_000;

/**
 * A hunt's legs as the orchestrator places them: LEGS calls at once to the hunting line, each forking its audio
 * into media-stream with a stream token carrying the same `line` (the dialed number, as call-flow sets it), so
 * the legs share the line's memory while they run; the hunt's digit moves each IVR on to the hold. The simulator
 * says when each leg's person starts speaking (audio ms on the stream); media-stream's decisions are compared
 * with it. At this pace the simulator sends its audio in bursts when its event loop stalls (it synthesizes a
 * line's hold music on first use): media-stream's per-stream queue then drops frames, which the detector must
 * hear as lost audio, not as a recording spliced to what came seconds later.
 */
describe('a hunt on the simulator’s hunting line, streamed into media-stream', () => {
  let h: MediaStreamHarness;
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;

  beforeAll(async () => {
    h = await MediaStreamHarness.start();
    sim = await startTestService(telephonySimService, {
      namespace: h.ns,
      env: { SIM_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn' },
    });
    client = new SimClient(sim.url);
  });
  afterAll(async () => {
    await sim?.close();
    await h?.stop();
  });

  it.each(SEEDS)(
    'seed %s',
    async (seed) => {
      const orgId = randomUUID();
      const account = await client.createAccount({
        flavour: 'twilio',
        seed,
        timeScale: TIME_SCALE,
        holdSeconds: { min: 30, max: 90 },
      });
      const messages: Msg[] = [];
      const sub: Subscription = h.nc.subscribe(`${h.ns}.media.v1.signals.>`, {
        callback: (_e, msg) => void messages.push(msg),
      });
      await h.nc.flush();
      const signalsOf = (callId: string) =>
        messages.filter((m) => m.subject.endsWith(`.${callId}`)).map((m) => m.json<MediaSignal>());
      const placeLeg = async () => {
        const callId = `leg-${randomUUID()}`;
        const token = await h.token({ callId, orgId, provider: 'twilio', line: HUNTING_NUMBER });
        const response = await client.twilio(account, 'POST', '/Calls.json', [
          ['To', HUNTING_NUMBER],
          ['From', '+15005550006'],
          ['Twiml', h.forkTwiml(token)],
        ]);
        expect(response.status).toBe(201);
        return { callId, sid: ((await response.json()) as { sid: string }).sid };
      };
      const legs = await Promise.all(Array.from({ length: LEGS }, placeLeg));
      const call = (sid: string) => client.call(sid);
      const update = async (sid: string, form: [string, string][]) =>
        client.twilio(account, 'POST', `/Calls/${sid}.json`, form);
      /** One leg until it ends, or until its person (or its voicemail) has been heard well past the scoring window. */
      const run = async (leg: { callId: string; sid: string }) => {
        // The hunt's IVR step: once the menu has played a while, press 1.
        let pressed = false;
        for (;;) {
          const c: SimCall = await call(leg.sid);
          const stream: MediaStreamRecord | undefined = c.mediaStreams[0];
          const finished = ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(c.status);
          if (finished || stream?.status === 'closed') return { c, stream };
          if (!pressed && c.farEndPhase === 'ivr-menu' && (stream?.sent.audioMs ?? 0) > 3000) {
            pressed = true;
            await update(leg.sid, [['Twiml', '<Response><Play digits="1"/><Pause length="3600"/></Response>']]);
          }
          const past =
            stream &&
            ((stream.liveHumanAtMs !== null && stream.sent.audioMs > stream.liveHumanAtMs + 12_000) ||
              (c.scenario === 'voicemail' && stream.sent.audioMs > 25_000));
          if (past) {
            await update(leg.sid, [['Status', 'completed']]);
            return { c, stream };
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const results = await Promise.all(legs.map(run));
      // Every leg's signals, up to its stream-stopped (published once the detector heard the last frame).
      await waitFor(
        async () =>
          results.every((r, i) => !r.stream || signalsOf(legs[i].callId).some((s) => s.kind === 'stream-stopped')),
        20_000,
        'every stream to end in media-stream',
      );
      sub.unsubscribe();
      const rows = results.map(({ c, stream }, i) => {
        const heard = h.heard.find((x) => x.session.info.callId === legs[i].callId);
        return {
          scenario: c.scenario,
          onset: stream?.liveHumanAtMs ?? null,
          decisions: signalsOf(legs[i].callId).filter((s) => s.kind === 'live-human'),
          lostFrames: (heard?.gaps ?? []).reduce((sum, g) => sum + g.frames, 0),
        };
      });
      // What a hunt would have seen (audio ms on each leg's stream clock), for the report.
      console.log(
        `seed ${seed}: ${rows
          .filter((r) => r.scenario !== 'busy' && r.scenario !== 'no-answer')
          .map((r) => `${r.scenario} person@${r.onset} decided@${r.decisions[0]?.atMs ?? null} lost ${r.lostFrames}`)
          .join('; ')}`,
      );
      for (const row of rows) {
        // Never a person before the person: not on hold, not on the announcements, not on a leg without one.
        if (row.onset === null) expect(row.decisions).toEqual([]);
        else for (const d of row.decisions) expect(d.atMs).toBeGreaterThanOrEqual(row.onset);
        expect(row.decisions.length).toBeLessThanOrEqual(1);
        // A leg that heard its whole stream (no frames lost on the way) is decided within the scoring window.
        if (row.onset !== null && row.lostFrames === 0) {
          expect(row.decisions).toHaveLength(1);
          expect(row.decisions[0].atMs).toBeLessThanOrEqual(row.onset + SCORING_WINDOW_MS);
        }
      }
      expect(rows.some((r) => r.onset !== null)).toBe(true);
    },
    300_000,
  );
});
