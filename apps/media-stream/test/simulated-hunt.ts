import { decodeMulaw, encodeMulaw } from '@callfleet/audio';
import { pickScenario, planScenario, type ScenarioName } from '../../telephony-sim/src/calls/scenarios';
import type { FarEndPhase } from '../../telephony-sim/src/calls/sim-call';
import { FarEndAudio, FRAME_MS, type StreamClips } from '../../telephony-sim/src/media/far-end-audio';
import { StreamClipLibrary } from '../../telephony-sim/src/media/stream-clip-library';
import { streamClipsFromFixtures } from '../../telephony-sim/src/media/stream-clips';
import { findFixturesDir, loadClips } from '../../telephony-sim/src/recordings/audio-clips';

/** The simulator's hunting line: every call to a number ending in 0010 gets its own seeded scenario. */
export const HUNTING_NUMBER = '+15550000010';

export interface SimulatedLeg {
  attempt: number;
  scenario: ScenarioName;
  /** Audio ms, on the hunt's clock, where this leg's stream starts (its answer). */
  startsAtMs: number;
  /** The stream's frames, as Twilio carries them (μ-law round trip), PCM16 8 kHz. */
  frames: Int16Array[];
  /** Audio ms (from the stream's start) of the person's first word, or null. */
  liveHumanAtMs: number | null;
  /** Audio ms where the hold began (null without a hold). */
  holdAtMs: number | null;
}

export interface SimulatedHuntOptions {
  seed: string;
  legs: number;
  holdSeconds?: { min: number; max: number };
  /** Audio seconds a leg streams after its person came on (the hunt would transfer or hang up). */
  afterPersonSeconds?: number;
  /** Extra audio ms between one leg's dial and the next (a hunt paces its dials). */
  staggerMs?: number;
}

let library: StreamClipLibrary | undefined;
function clipLibrary(): StreamClipLibrary {
  library ??= StreamClipLibrary.load(streamClipsFromFixtures(loadClips(findFixturesDir())));
  return library;
}

/**
 * The legs of one hunt on the simulator's hunting line, as the simulator plays them (its scenarios, plans, clips
 * and far-end audio, its IVR): each leg is answered after its ring, the hunt presses its digit a moment after the
 * menu, the leg holds for its plan's hold, then its person speaks. Busy and unanswered legs have no stream.
 */
export function simulatedHunt(options: SimulatedHuntOptions): SimulatedLeg[] {
  const holdSeconds = options.holdSeconds ?? { min: 30, max: 90 };
  const after = options.afterPersonSeconds ?? 12;
  const legs: SimulatedLeg[] = [];
  for (let attempt = 0; attempt < options.legs; attempt++) {
    const { scenario } = pickScenario(HUNTING_NUMBER, options.seed, attempt);
    const plan = planScenario(scenario, options.seed, HUNTING_NUMBER, attempt, { holdSeconds });
    const clips = clipLibrary().clipsFor(HUNTING_NUMBER, attempt);
    const seconds = (name: keyof StreamClips) => clips[name].length / 8000;
    // The hunt's IVR step waits for the menu to end, then presses; how long it waits varies by leg.
    const digitAfter = seconds('ivr-menu') + 0.5 + ((attempt * 0.37) % 1.5);
    let schedule: { phase: FarEndPhase; untilS: number }[];
    switch (scenario) {
      case 'ivr-hold-agent':
        schedule = [
          { phase: 'ivr-menu', untilS: digitAfter },
          { phase: 'hold', untilS: digitAfter + plan.holdSeconds },
          { phase: 'live-agent', untilS: digitAfter + plan.holdSeconds + after },
        ];
        break;
      case 'too-busy':
        schedule = [{ phase: 'announcement', untilS: seconds('too-busy') + 0.5 }];
        break;
      case 'voicemail':
        schedule = [
          { phase: 'voicemail-greeting', untilS: seconds('voicemail-greeting') },
          { phase: 'voicemail-recording', untilS: seconds('voicemail-greeting') + 8 },
        ];
        break;
      default:
        continue;
    }
    const audio = new FarEndAudio(clips);
    const frames: Int16Array[] = [];
    let serial = 0;
    let holdAtMs: number | null = null;
    for (const [k, step] of schedule.entries()) {
      serial = k + 1;
      if (step.phase === 'hold') holdAtMs = audio.positionMs;
      while (audio.positionMs < step.untilS * 1000)
        frames.push(decodeMulaw(encodeMulaw(audio.frame(step.phase, serial))));
    }
    legs.push({
      attempt,
      scenario,
      startsAtMs:
        Math.round(
          ((plan.ringDelaySeconds + plan.answerAfterSeconds) * 1000 + attempt * (options.staggerMs ?? 0)) / FRAME_MS,
        ) * FRAME_MS,
      frames,
      liveHumanAtMs: audio.liveHumanAtMs,
      holdAtMs,
    });
  }
  return legs;
}
