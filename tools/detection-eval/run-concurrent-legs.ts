import { FRAME_SAMPLES, type LineMemory, LiveHumanDetector } from '@callfleet/detection';
import type { FileRun } from './run-detection-file';

/** One leg of a hunt: its audio and where it starts on the hunt's clock (audio ms). */
export interface ConcurrentLeg {
  samples: Int16Array;
  startsAtMs: number;
}

/**
 * A hunt's legs heard at once, as media-stream hears the concurrent streams of one line: every leg's detector gets
 * its frames in the hunt's time order (all legs' frame at t before any leg's frame at t + 20 ms), sharing one line
 * memory, so what one leg hears is there for the others while it plays. Returns each leg's run, in leg order
 * (decisions in that leg's own audio ms). Pure: the same legs and memory give the same results.
 */
export function runConcurrentLegs(legs: readonly ConcurrentLeg[], lineMemory?: LineMemory): FileRun[] {
  const detectors = legs.map(() => new LiveHumanDetector({ lineMemory }));
  const runs: FileRun[] = legs.map(() => ({ decidedAtMs: null, frames: 0, cpuMicros: 0 }));
  const frameCounts = legs.map((leg) => Math.ceil(leg.samples.length / FRAME_SAMPLES));
  const frame = new Int16Array(FRAME_SAMPLES);
  const endMs = Math.max(0, ...legs.map((leg, i) => leg.startsAtMs + frameCounts[i] * 20));
  const started = process.cpuUsage();
  for (let t = 0; t <= endMs; t += 20) {
    for (let i = 0; i < legs.length; i++) {
      const k = Math.floor((t - legs[i].startsAtMs) / 20);
      if (k < 0 || k > frameCounts[i]) continue;
      let outputs: ReturnType<LiveHumanDetector['end']>;
      if (k === frameCounts[i]) outputs = detectors[i].end();
      else {
        const offset = k * FRAME_SAMPLES;
        frame.fill(0);
        frame.set(legs[i].samples.subarray(offset, Math.min(legs[i].samples.length, offset + FRAME_SAMPLES)));
        runs[i].frames++;
        outputs = detectors[i].pushFrame(frame);
      }
      for (const output of outputs)
        if (output.kind === 'live-human' && runs[i].decidedAtMs === null) runs[i].decidedAtMs = output.atMs;
    }
  }
  const cpu = process.cpuUsage(started);
  const frames = runs.reduce((n, r) => n + r.frames, 0);
  // CPU is measured over the whole hunt and shared out by frames.
  for (const run of runs) run.cpuMicros = frames ? ((cpu.user + cpu.system) * run.frames) / frames : 0;
  return runs;
}
