import { randomUUID } from 'node:crypto';
import type { MediaSignal } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import type { Msg } from '@nats-io/transport-node';
import { MediaStreamHarness, ORG_A, type ProviderSocket, twilio } from './media-stream-harness';
import { HUNTING_NUMBER, type SimulatedLeg, simulatedHunt } from './simulated-hunt';

/** The evaluation's rule: no decision within 10 s after the onset is a miss. */
const SCORING_WINDOW_MS = 10_000;

/**
 * The simulator's hunting-line legs (its scenarios, clips and far-end audio, rendered here frame by frame) streamed
 * at once into media-stream over Twilio's protocol, with the `line` the orchestrator puts in the stream token, so
 * the legs share the line's memory as a hunt's do. Each leg's decision is compared with the simulator's own label
 * of its person's first word, in audio ms of the stream.
 */
describe('a hunt’s concurrent legs on one line, streamed into media-stream', () => {
  let h: MediaStreamHarness;

  beforeAll(async () => {
    h = await MediaStreamHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /**
   * Streams the legs interleaved on the hunt's clock, `burstFrames` of audio per leg at a time (a provider that
   * paces its audio sends 1; one catching up after a stall sends seconds of it at once), and returns each leg's
   * signals once its stream ended.
   */
  async function streamHunt(legs: SimulatedLeg[], burstFrames: number) {
    const orgId = randomUUID();
    const messages: Msg[] = [];
    const sub = h.nc.subscribe(`${h.ns}.media.v1.signals.>`, { callback: (_e, m) => void messages.push(m) });
    await h.nc.flush();
    const open = await Promise.all(
      legs.map(async (leg) => {
        const callId = `leg-${randomUUID()}`;
        const streamSid = `MZ${randomUUID().replace(/-/g, '')}`;
        const token = await h.token({ callId, orgId: orgId ?? ORG_A, provider: 'twilio', line: HUNTING_NUMBER });
        return { leg, callId, streamSid, token, socket: undefined as ProviderSocket | undefined, sent: 0 };
      }),
    );
    const signalsOf = (callId: string) =>
      messages.filter((m) => m.subject.endsWith(`.${callId}`)).map((m) => m.json<MediaSignal>());
    const endMs = Math.max(...legs.map((l) => l.startsAtMs + l.frames.length * 20));
    for (let t = 0; t <= endMs; t += burstFrames * 20) {
      for (const o of open) {
        if (!o.socket && t >= o.leg.startsAtMs) {
          o.socket = await h.connect('twilio');
          o.socket.send(twilio.connected());
          o.socket.send(twilio.start(o.streamSid, { token: o.token }));
        }
        if (!o.socket || o.sent > o.leg.frames.length) continue;
        const until = Math.min(o.leg.frames.length, Math.floor((t + burstFrames * 20 - o.leg.startsAtMs) / 20));
        for (; o.sent < until; o.sent++) o.socket.send(twilio.media(o.streamSid, o.sent + 1, o.leg.frames[o.sent]));
        if (o.sent === o.leg.frames.length) {
          o.socket.send(twilio.stop(o.streamSid));
          o.sent++;
        }
        await o.socket.flushed();
      }
      // The service's turn to read (a paced provider's audio arrives over time, not all at once).
      await new Promise((resolve) => setTimeout(resolve, burstFrames > 1 ? 20 : 1));
    }
    await waitFor(
      async () => open.every((o) => signalsOf(o.callId).some((s) => s.kind === 'stream-stopped')),
      60_000,
      'every leg’s stream to end',
    );
    sub.unsubscribe();
    return open.map((o) => ({
      leg: o.leg,
      decisions: signalsOf(o.callId).filter((s) => s.kind === 'live-human'),
      lostFrames: (h.heard.find((x) => x.session.info.callId === o.callId)?.gaps ?? []).reduce(
        (n, g) => n + g.frames,
        0,
      ),
    }));
  }

  const report = (rows: Awaited<ReturnType<typeof streamHunt>>) =>
    rows
      .map(
        (r) =>
          `${r.leg.scenario} person@${r.leg.liveHumanAtMs} decided@${r.decisions[0]?.atMs ?? null} lost ${r.lostFrames}`,
      )
      .join('; ');

  it.each(['hunt-a', 'hunt-b'])(
    '%s, paced: no leg is decided before its person, and every person is decided within the scoring window',
    async (seed) => {
      const legs = simulatedHunt({ seed, legs: 6 });
      const rows = await streamHunt(legs, 5);
      console.log(`paced ${seed}: ${report(rows)}`);
      expect(rows.some((r) => r.leg.liveHumanAtMs !== null)).toBe(true);
      for (const { leg, decisions, lostFrames } of rows) {
        expect(decisions.length).toBeLessThanOrEqual(1);
        if (leg.liveHumanAtMs === null) expect(decisions).toEqual([]);
        else {
          expect(lostFrames).toBe(0);
          expect(decisions).toHaveLength(1);
          expect(decisions[0].atMs).toBeGreaterThanOrEqual(leg.liveHumanAtMs);
          expect(decisions[0].atMs).toBeLessThanOrEqual(leg.liveHumanAtMs + SCORING_WINDOW_MS);
        }
      }
    },
  );

  it('in bursts of 12 s of audio (past the per-stream queue): frames are lost, never a person before the person', async () => {
    const legs = simulatedHunt({ seed: 'hunt-a', legs: 6 });
    const rows = await streamHunt(legs, 600);
    console.log(`bursts: ${report(rows)}`);
    expect(await h.metric('callfleet_media_frames_dropped_total', { reason: 'queue-full' })).toBeGreaterThan(0);
    for (const { leg, decisions } of rows) {
      if (leg.liveHumanAtMs === null) expect(decisions).toEqual([]);
      // Decisions are in the stream's audio time, lost frames included.
      else for (const d of decisions) expect(d.atMs).toBeGreaterThanOrEqual(leg.liveHumanAtMs);
    }
  });
});
