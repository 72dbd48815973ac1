import { LagHistogram, type LagSummary, wallClockMs } from './lag-histogram';

/** 20 ms of 8 kHz audio: Twilio's media frame. */
export const FRAME_MS = 20;

/**
 * What the receiving side of the media benchmark must know about a stream to time its frames: when
 * its frame 0 was due (wall clock) and which audio window is measured (warm-up before, drain after).
 * It travels in the stream's `streamSid`, the one field of Twilio's `start` that the generator
 * chooses and that media-stream's sessions expose (`MediaSessionInfo.streamId`), so the bare server
 * and media-stream read it the same way. Layout: `MZ` + 32 hex digits, like Twilio's own.
 */
export interface StreamTiming {
  /** Wall-clock ms (sub-ms precision) when the frame with audio timestamp 0 was due. */
  dueBaseMs: number;
  /** Frames whose audio timestamp is in [fromMs, untilMs) are measured. */
  fromMs: number;
  untilMs: number;
  trial: number;
  stream: number;
}

const hex = (n: number, digits: number) => Math.floor(n).toString(16).padStart(digits, '0').slice(-digits);

export function encodeStreamSid(t: StreamTiming): string {
  return `MZ${hex(t.dueBaseMs * 1000, 13)}${hex(t.fromMs, 5)}${hex(t.untilMs, 5)}${hex(t.trial, 4)}${hex(t.stream, 5)}`;
}

/** null for a streamSid the generator did not make. */
export function decodeStreamSid(sid: string): StreamTiming | null {
  if (!/^MZ[0-9a-f]{32}$/.test(sid)) return null;
  const at = (from: number, digits: number) => Number.parseInt(sid.slice(2 + from, 2 + from + digits), 16);
  return { dueBaseMs: at(0, 13) / 1000, fromMs: at(13, 5), untilMs: at(18, 5), trial: at(23, 4), stream: at(27, 5) };
}

/** What the receiving side saw of one trial. */
export interface TrialReport {
  trial: number;
  /** Frames of the measured window that were analysed (the generator knows how many it sent). */
  frames: number;
  lag: LagSummary;
  streamsStarted: number;
  streamsEnded: number;
}

class TrialTally {
  readonly lag = new LagHistogram();
  started = 0;
  ended = 0;
  waiters: (() => void)[] = [];
}

/**
 * The receiving side's tally of every trial: each analysed frame's lag behind its due time. Shared by
 * the bare `ws` baseline and the probe inside media-stream, so both measure the same thing.
 */
export class TrialRecorder {
  private readonly trials = new Map<number, TrialTally>();

  private tally(trial: number): TrialTally {
    let t = this.trials.get(trial);
    if (!t) {
      t = new TrialTally();
      this.trials.set(trial, t);
    }
    return t;
  }

  streamStarted(timing: StreamTiming): void {
    this.tally(timing.trial).started++;
  }

  /** A frame was analysed now; `atMs` is its audio timestamp. */
  frameAnalysed(timing: StreamTiming, atMs: number): void {
    if (atMs < timing.fromMs || atMs >= timing.untilMs) return;
    this.tally(timing.trial).lag.add(wallClockMs() - (timing.dueBaseMs + atMs));
  }

  streamEnded(timing: StreamTiming): void {
    const t = this.tally(timing.trial);
    t.ended++;
    if (t.ended >= t.started) for (const wake of t.waiters.splice(0)) wake();
  }

  /** The trial's figures once all its streams ended (or `timeoutMs` passed: a stuck stream shows as started > ended). */
  async report(trial: number, timeoutMs: number): Promise<TrialReport> {
    const t = this.tally(trial);
    if (t.ended < t.started) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        t.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.trials.delete(trial);
    return { trial, frames: t.lag.size, lag: t.lag.summary(), streamsStarted: t.started, streamsEnded: t.ended };
  }
}

/** Parent → receiver (over the child's IPC channel). */
export type ReceiverRequest = { type: 'report'; trial: number; timeoutMs: number };
export type ReceiverReply = { type: 'report'; report: TrialReport } | { type: 'listening'; port: number };

/** Answers the benchmark's report requests on this child process's IPC channel. */
export function answerReportRequests(recorder: TrialRecorder): void {
  process.on('message', (message: ReceiverRequest) => {
    if (message?.type !== 'report') return;
    void recorder.report(message.trial, message.timeoutMs).then((report) => {
      process.send?.({ type: 'report', report } satisfies ReceiverReply);
    });
  });
}
