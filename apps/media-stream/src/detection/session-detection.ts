import type { LiveHumanSignal, MediaSignal } from '@callfleet/contracts';
import { type DetectorOutput, LiveHumanDetector } from '@callfleet/detection';
import type { LineMemoryLease } from '../line-memory/line-memory.store';
import type { MediaSession, MediaSessionEndReason } from '../media-sessions/media-session';
import type { DetectionMetrics } from './detection.metrics';
import { signalOf } from './media-signals';

/**
 * Events (frames, gaps, digits) held while the line's memory loads: about 1 s of audio. A load normally takes a few ms; if it
 * takes longer the session starts with what this replica already holds of the line (the load
 * merges in when it arrives), so a slow KV delays a decision by at most this much.
 */
export const LINE_MEMORY_HOLD_MAX_FRAMES = 50;

type Held =
  | { type: 'frame'; frame: Int16Array }
  | { type: 'gap'; frames: number }
  | { type: 'dtmf'; digit: string; atMs: number };

export interface DetectionSinks {
  signal(signal: MediaSignal): void;
  decision(session: MediaSession, decision: LiveHumanSignal): void;
}

/**
 * One stream's analysis: every frame into its detector (gaps as gaps, DTMF as a hint), every output
 * out as a signal. Until the line's memory is loaded the stream's events wait here, in order, so
 * the detector hears a prompt the line knows as known from its first frame.
 */
export class SessionDetection {
  private readonly detector: LiveHumanDetector;
  private held: Held[] | null;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly session: MediaSession,
    private readonly lease: LineMemoryLease | undefined,
    private readonly sinks: DetectionSinks,
    private readonly metrics: DetectionMetrics,
  ) {
    this.detector = new LiveHumanDetector(lease ? { lineMemory: lease.memory } : {});
    this.held = lease ? [] : null;
  }

  start(): void {
    const { info } = this.session;
    this.sinks.signal({
      callId: info.callId,
      atMs: this.session.atMs,
      kind: 'stream-started',
      provider: info.provider,
    });
    this.unsubscribe = this.session.subscribe({
      frame: (frame) => (this.held ? this.hold({ type: 'frame', frame: frame.slice() }) : this.frame(frame)),
      gap: (frames) => (this.held ? this.hold({ type: 'gap', frames }) : this.gap(frames)),
      dtmf: (digit, atMs) => (this.held ? this.hold({ type: 'dtmf', digit, atMs }) : this.dtmf(digit, atMs)),
      ended: (reason, atMs) => this.end(reason, atMs),
    });
    if (this.lease) {
      void this.lease.loaded.then(() => {
        if (this.held) this.metrics.heldFrames.inc({ outcome: 'loaded' });
        this.release();
      });
    }
  }

  private hold(event: Held): void {
    this.held?.push(event);
    if ((this.held?.length ?? 0) >= LINE_MEMORY_HOLD_MAX_FRAMES) {
      this.metrics.heldFrames.inc({ outcome: 'full' });
      this.release();
    }
  }

  /** Feeds what waited, in order; from now on events go straight to the detector. */
  private release(): void {
    const held = this.held;
    this.held = null;
    for (const event of held ?? []) {
      if (event.type === 'frame') this.frame(event.frame);
      else if (event.type === 'gap') this.gap(event.frames);
      else this.dtmf(event.digit, event.atMs);
    }
  }

  private frame(frame: Int16Array): void {
    const started = process.hrtime.bigint();
    let outputs: DetectorOutput[];
    try {
      outputs = this.detector.pushFrame(frame);
    } catch {
      this.metrics.frameErrors.inc();
      return;
    }
    this.metrics.frameSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.emit(outputs);
  }

  private gap(frames: number): void {
    this.emit(this.detector.pushGap(frames));
  }

  private dtmf(digit: string, atMs: number): void {
    this.detector.hint({ kind: 'dtmf', atMs, digit });
    this.sinks.signal({ callId: this.session.info.callId, atMs, kind: 'dtmf', digit });
  }

  private end(reason: MediaSessionEndReason, atMs: number): void {
    this.release();
    this.unsubscribe();
    this.emit(this.detector.end());
    const { info } = this.session;
    this.sinks.signal({ callId: info.callId, atMs, kind: 'stream-stopped', provider: info.provider, reason });
    void this.lease?.release();
  }

  private emit(outputs: readonly DetectorOutput[]): void {
    for (const output of outputs) {
      const signal = signalOf(this.session.info.callId, output);
      this.sinks.signal(signal);
      if (signal.kind === 'live-human') this.sinks.decision(this.session, signal);
    }
  }
}
