import { FRAME_SAMPLES, type LineMemory, LiveHumanDetector } from '@callfleet/detection';

export interface FileRun {
  decidedAtMs: number | null;
  frames: number;
  /** CPU time spent in the detector alone (µs), not in reading the file. */
  cpuMicros: number;
}

/**
 * Feeds a file's samples to the service's detector in 20 ms frames, as fast as the CPU allows, and returns the
 * first live-human decision's audio ms. A trailing partial frame is padded with silence (a stream's last
 * media message is as long as the others).
 */
export function runDetectorOnSamples(samples: Int16Array, lineMemory?: LineMemory): FileRun {
  const detector = new LiveHumanDetector({ lineMemory });
  const frame = new Int16Array(FRAME_SAMPLES);
  let decidedAtMs: number | null = null;
  let frames = 0;
  const started = process.cpuUsage();
  for (let offset = 0; offset < samples.length; offset += FRAME_SAMPLES) {
    const end = Math.min(samples.length, offset + FRAME_SAMPLES);
    frame.fill(0);
    frame.set(samples.subarray(offset, end));
    frames++;
    for (const output of detector.pushFrame(frame)) {
      if (output.kind === 'live-human' && decidedAtMs === null) decidedAtMs = output.atMs;
    }
  }
  for (const output of detector.end()) {
    if (output.kind === 'live-human' && decidedAtMs === null) decidedAtMs = output.atMs;
  }
  const cpu = process.cpuUsage(started);
  return { decidedAtMs, frames, cpuMicros: cpu.user + cpu.system };
}
