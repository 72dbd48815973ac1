import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../g711';
import { createRandom } from './random';
import { Biquad, dbToGain, floatToPcm16, pcm16ToFloat, samplesFor, TELEPHONE_RATE } from './signal';
import { lineNoiseFloat } from './tones';

export interface TelephoneChannelOptions {
  seed: number;
  /** Overall gain applied to the far end's audio. */
  gainDb?: number;
  /** Slow level drift (AGC, the far end moving): a smoothed random walk within ±this many dB. */
  gainWanderDb?: number;
  /** Step changes of level from a point on (e.g. the agent's headset is louder than the prompts). */
  gainSteps?: ReadonlyArray<{ atMs: number; gainDb: number }>;
  /** Additive line noise, RMS dBFS; null for none. */
  noiseDb?: number | null;
  noiseColor?: 'white' | 'pink' | 'brown';
  humHz?: number;
  /** Fraction of 20 ms frames lost (zeroed), in bursts of `lostFrameBurst` frames on average. */
  lostFrameRate?: number;
  lostFrameBurst?: number;
  /** The codec round trip; 'none' keeps linear PCM. */
  codec?: 'mulaw' | 'alaw' | 'none';
  /** 300-3400 Hz, the analogue telephone band (on by default). */
  bandPass?: boolean;
}

/** What a telephone call does to the far end's 8 kHz audio, deterministic for a seed. */
export function telephoneChannel(pcm: Int16Array, options: TelephoneChannelOptions): Int16Array {
  const {
    seed,
    gainDb = 0,
    gainWanderDb = 0,
    gainSteps = [],
    noiseDb = -60,
    noiseColor = 'pink',
    humHz,
    lostFrameRate = 0,
    lostFrameBurst = 1.5,
    codec = 'mulaw',
    bandPass = true,
  } = options;
  const random = createRandom(seed);
  const signal = pcm16ToFloat(pcm);

  const steps = [...gainSteps].sort((a, b) => a.atMs - b.atMs);
  const wander = random.fork('wander');
  let drift = 0;
  let driftTarget = 0;
  let step = 0;
  let stepGain = 0;
  let gain = 1;
  for (let i = 0; i < signal.length; i++) {
    // A new drift target every half second, approached with a ~1 s time constant.
    if (gainWanderDb > 0 && i % 4000 === 0) driftTarget = wander.between(-gainWanderDb, gainWanderDb);
    drift += (driftTarget - drift) / 8000;
    while (step < steps.length && i >= samplesFor(steps[step].atMs)) stepGain = steps[step++].gainDb;
    // The gain moves slowly: recomputed every 8 samples (1 ms), not every sample.
    if (i % 8 === 0) gain = dbToGain(gainDb + stepGain + drift);
    signal[i] *= gain;
  }

  if (noiseDb !== null) {
    const noise = lineNoiseFloat(signal.length, random.fork('noise').int(2 ** 31), noiseDb, noiseColor, humHz);
    for (let i = 0; i < signal.length; i++) signal[i] += noise[i];
  }

  if (bandPass) {
    for (const filter of [
      Biquad.highPass(TELEPHONE_RATE, 300),
      Biquad.highPass(TELEPHONE_RATE, 300),
      Biquad.lowPass(TELEPHONE_RATE, 3400),
      Biquad.lowPass(TELEPHONE_RATE, 3400),
    ]) {
      filter.processInPlace(signal);
    }
  }

  let out = floatToPcm16(signal);
  if (codec === 'mulaw') out = decodeMulaw(encodeMulaw(out));
  else if (codec === 'alaw') out = decodeAlaw(encodeAlaw(out));

  if (lostFrameRate > 0) {
    const loss = random.fork('loss');
    const frame = samplesFor(20);
    // Two-state (Gilbert) loss: bursts of mean length lostFrameBurst, overall rate lostFrameRate.
    const leaveBurst = 1 / Math.max(1, lostFrameBurst);
    const enterBurst = (lostFrameRate * leaveBurst) / Math.max(1e-9, 1 - lostFrameRate);
    let lost = false;
    for (let at = 0; at < out.length; at += frame) {
      lost = lost ? !loss.chance(leaveBurst) : loss.chance(enterBurst);
      if (lost) out.fill(0, at, Math.min(out.length, at + frame));
    }
  }
  return out;
}
