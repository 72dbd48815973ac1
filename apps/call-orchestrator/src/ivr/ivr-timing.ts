import type { IvrStep } from '@callfleet/contracts';

/** A number in [0, 1): `Math.random` in service, a seeded one in tests. */
export type RandomSource = () => number;

/** Uniform in [-jitter, +jitter]. */
function spread(jitterMs: number | undefined, random: RandomSource): number {
  if (!jitterMs) return 0;
  return Math.round((random() * 2 - 1) * jitterMs);
}

/**
 * How long after a step becomes current its timer fires: a digits step presses after `afterMs`, a
 * wait step is over after `ms` (each ± its jitter, never below 0); an expect step's timer is its
 * timeout (a matching media signal advances it sooner).
 */
export function stepDelayMs(step: IvrStep, random: RandomSource): number {
  switch (step.action) {
    case 'digits':
      return Math.max(0, step.afterMs + spread(step.jitterMs, random));
    case 'wait':
      return Math.max(0, step.ms + spread(step.jitterMs, random));
    case 'expect':
      return step.timeoutMs;
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same jitter, for tests and replays. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
