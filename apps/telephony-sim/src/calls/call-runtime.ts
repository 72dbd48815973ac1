import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamClips } from '../media/far-end-audio';
import { MediaStreamSession, type StreamKind } from '../media/media-stream-session';
import type { StreamProvider } from '../media/stream-protocol';
import type { AudioClip, ClipName } from '../recordings/audio-clips';
import type { AudioSegment } from '../recordings/recording-composer';
import type { DialTarget, StreamRequest } from '../twiml/twiml';
import { SCENARIOS_WITH_LIVE_HUMAN } from './scenarios';
import type { CallStatus, FarEndPhase, HeardEntry, HeardInput, HistoryEntry, HistoryInput, SimCall } from './sim-call';
import { realMillis, simSecondsSince } from './sim-clock';

export type CallEventType = 'initiated' | 'ringing' | 'answered' | 'answered-by' | 'bridged' | 'ended' | 'recording';

/** What the provider-flavoured reporters hear from a call; they turn it into webhooks. */
export interface CallEvent {
  type: CallEventType;
  call: SimCall;
}

/** A media stream our side asked for (TwiML `<Stream>`, Exotel's Voicebot/Stream applet). */
export interface OpenStreamRequest {
  provider: StreamProvider;
  kind: StreamKind;
  stream: StreamRequest;
  bidirectional: boolean;
  /** Exotel's `sample-rate`; Twilio is always 8 kHz μ-law. */
  sampleRate?: number;
}

/** Our side of a call once it is answered: TwiML for Twilio; Exotel and RingCentral calls have none. */
export interface CallDriver {
  /** Follows the instructions until they end (resolves) or `signal` aborts (redirect or hang-up). */
  run(runtime: CallRuntime, signal: AbortSignal): Promise<void>;
}

const PHASE_CLIPS: Record<FarEndPhase, ClipName> = {
  dialing: 'silence',
  ringing: 'silence',
  'ivr-menu': 'ivr-menu',
  hold: 'hold-music',
  'live-agent': 'live-agent',
  announcement: 'too-busy',
  'welcome-announcement': 'hold-announcement',
  'voicemail-greeting': 'voicemail-greeting',
  'voicemail-recording': 'silence',
  bridged: 'live-agent',
  waiting: 'silence',
  ended: 'silence',
};

/** Entries of what the far end heard kept per call (a redirect loop could otherwise grow it without end). */
const KEPT_HEARD = 500;

/**
 * The live state of one simulated call: its clock, what the far end hears and does, and how it
 * ends. Everything a driver or a far-end script does goes through here and lands in the history.
 */
export class CallRuntime {
  private readonly lifetime = new AbortController();
  /** Aborted when the call is bridged: the far end's own script stops, the bridged talk begins. */
  private readonly farEndScript = new AbortController();
  private driverRun?: AbortController;
  private pendingDriver?: CallDriver;
  private digitBuffer = '';
  private digitArrived?: () => void;
  private bridgeChanged?: () => void;
  /** A `<Dial>` is ringing: a person who comes on the line now holds on for it. */
  private dialRinging = false;
  private readonly phases: { phase: FarEndPhase; at: number }[] = [];
  private readonly ended: Promise<void>;
  /** Every media stream the call opened (closed ones stay: the admin API serves what they received). */
  readonly streamSessions: MediaStreamSession[] = [];

  constructor(
    readonly call: SimCall,
    private readonly clips: ReadonlyMap<ClipName, AudioClip>,
    private readonly emit: (type: CallEventType) => void,
    private readonly streamClips?: StreamClips,
    /** Counts a dial of a destination (key from destinationKey) on the account; answers the dials before it. */
    readonly countDial: (destinationKey: string) => number = () => 0,
  ) {
    this.ended = new Promise((resolve) => this.lifetime.signal.addEventListener('abort', () => resolve()));
    // A call that ends ends its streams, forks included (Twilio sends `stop`, then closes).
    this.lifetime.signal.addEventListener('abort', () => {
      for (const session of this.streamSessions) session.stop('call ended');
      this.call.bridge = null;
    });
  }

  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  get farEndSignal(): AbortSignal {
    return AbortSignal.any([this.lifetime.signal, this.farEndScript.signal]);
  }

  get isOver(): boolean {
    return this.lifetime.signal.aborted;
  }

  get isAnswered(): boolean {
    return this.call.answeredAt !== undefined;
  }

  untilEnded(): Promise<void> {
    return this.ended;
  }

  simNow(): number {
    return simSecondsSince(this.call);
  }

  /** Waits simulated seconds (scaled to real time); rejects when `signal` aborts. */
  sleep(simSeconds: number, signal: AbortSignal = this.lifetime.signal): Promise<void> {
    return sleep(realMillis(simSeconds, this.call.timeScale), undefined, { signal });
  }

  /** How long a sound of the far end lasts: the stream's own clip when it has one (the corpus's may differ). */
  clipSeconds(name: ClipName): number {
    const streamed = this.streamClips?.[name as keyof StreamClips];
    if (streamed) return streamed.length / 8000;
    return this.clips.get(name)?.seconds ?? 5;
  }

  note(entry: HistoryInput): void {
    this.call.history.push({ at: new Date().toISOString(), simSeconds: this.simNow(), ...entry } as HistoryEntry);
  }

  /** What our side played to the far end (kept on the call for the admin API). */
  heard(entry: HeardInput): void {
    const { heard } = this.call;
    heard.push({ at: new Date().toISOString(), simSeconds: this.simNow(), ...entry } as HeardEntry);
    if (heard.length > KEPT_HEARD) heard.splice(0, heard.length - KEPT_HEARD);
  }

  setStatus(status: CallStatus): void {
    this.call.status = status;
    this.note({ type: 'status', status });
    if (status === 'initiated' || status === 'ringing') this.emit(status);
  }

  phase(phase: FarEndPhase): void {
    this.call.farEndPhase = phase;
    this.phases.push({ phase, at: this.simNow() });
    this.note({ type: 'far-end', phase });
    if (phase === 'live-agent' && this.dialRinging) this.holdOnForDial();
  }

  answer(driver: CallDriver | undefined): void {
    this.call.answeredAt = new Date().toISOString();
    this.setStatus('in-progress');
    this.emit('answered');
    const first = this.pendingDriver ?? driver;
    if (first) this.startDriver(first);
  }

  /** Runs new instructions in place of the current ones (a redirect); before answer they wait for it. */
  startDriver(driver: CallDriver): void {
    if (!this.isAnswered) {
      this.pendingDriver = driver;
      return;
    }
    this.driverRun?.abort();
    const run = new AbortController();
    this.driverRun = run;
    const signal = AbortSignal.any([run.signal, this.lifetime.signal]);
    driver.run(this, signal).then(
      () => {
        if (!signal.aborted) this.hangUp('instructions', 'instructions ended');
      },
      (error: unknown) => {
        if (signal.aborted) return;
        const code = (error as { twilioErrorCode?: number }).twilioErrorCode;
        this.note({
          type: 'error',
          message: error instanceof Error ? error.message : String(error),
          ...(code === undefined ? {} : { code }),
        });
        this.hangUp('instructions', 'instructions failed');
      },
    );
  }

  setAnsweredBy(answeredBy: string): void {
    this.call.answeredBy = answeredBy;
    this.note({ type: 'answered-by', answeredBy });
    this.emit('answered-by');
  }

  /** DTMF from our side; the far end reads it with waitForDigits. */
  sendDigits(digits: string): void {
    if (!digits) return;
    this.call.digitsReceived.push(digits);
    this.note({ type: 'digits', digits });
    this.digitBuffer += digits;
    this.digitArrived?.();
  }

  /** The digits pressed within `simSeconds` (empty when none were); the far end's ear. */
  async waitForDigits(simSeconds: number): Promise<string> {
    if (!this.digitBuffer) {
      const stopWaiting = new AbortController();
      const arrived = new Promise<void>((resolve) => {
        this.digitArrived = resolve;
      });
      const timeout = this.sleep(simSeconds, AbortSignal.any([this.farEndSignal, stopWaiting.signal])).catch(
        () => undefined,
      );
      await Promise.race([arrived, timeout]);
      stopWaiting.abort();
      this.digitArrived = undefined;
      this.farEndSignal.throwIfAborted();
    }
    const digits = this.digitBuffer;
    this.digitBuffer = '';
    return digits;
  }

  requestStream(stream: StreamRequest, bidirectional: boolean): void {
    this.call.streams.push(stream);
    this.note({ type: 'stream-requested', stream, bidirectional });
  }

  /**
   * Opens a media stream to our side, streaming the far end's audio until the call ends, `stop` is
   * called, or our side closes it. A fork is not tied to the instructions that started it.
   */
  openStream(request: OpenStreamRequest): MediaStreamSession {
    this.requestStream(request.stream, request.bidirectional);
    if (!this.streamClips) throw new Error('media streams need the stream clips');
    const { call } = this;
    const session = new MediaStreamSession({
      provider: request.provider,
      kind: request.kind,
      url: request.stream.url,
      ...(request.stream.name ? { name: request.stream.name } : {}),
      parameters: request.stream.parameters,
      bidirectional: request.bidirectional,
      ...(request.stream.track ? { track: request.stream.track } : {}),
      ...(request.sampleRate ? { sampleRate: request.sampleRate } : {}),
      identity: { accountSid: call.accountSid, callSid: call.sid, from: call.from, to: call.to },
      timeScale: call.timeScale,
      clips: this.streamClips,
      scenarioHasLiveHuman: SCENARIOS_WITH_LIVE_HUMAN.has(call.scenario),
      phaseOf: () => ({ phase: call.farEndPhase, serial: this.phases.length }),
      onEvent: (event, record) =>
        this.note({
          type: 'stream',
          event,
          streamSid: record.streamSid,
          kind: record.kind,
          ...(record.error ? { error: record.error } : {}),
          ...(record.closeCode === undefined ? {} : { closeCode: record.closeCode }),
          ...(record.closedBy ? { closedBy: record.closedBy } : {}),
        }),
    });
    this.streamSessions.push(session);
    call.mediaStreams.push(session.record);
    if (this.isOver) session.stop('call ended');
    else session.open();
    return session;
  }

  /** `<Stop><Stream name>`: ends the named fork, or every fork when no name is given. */
  stopStreams(name: string | undefined, reason: string): void {
    for (const session of this.streamSessions) {
      if (session.record.kind === 'fork' && (name === undefined || session.record.name === name)) session.stop(reason);
    }
  }

  /** DTMF pressed at the far end: bidirectional streams carry it as `dtmf` events. */
  farEndDigits(digits: string): void {
    this.note({ type: 'far-end-digits', digits });
    for (const session of this.streamSessions) session.farEndDigits(digits);
  }

  /** Connects the far end to another party (a Dial or a transfer); the far end's script stops. */
  bridge(target: DialTarget, dialCallSid?: string): void {
    if (this.isOver) return;
    this.call.bridgedTo = target;
    this.call.bridge = { target, ...(dialCallSid ? { dialCallSid } : {}), since: new Date().toISOString() };
    this.note({ type: 'bridged', target, ...(dialCallSid ? { dialCallSid } : {}) });
    this.farEndScript.abort();
    this.phase('bridged');
    this.emit('bridged');
    this.bridgeChanged?.();
  }

  /** The bridge ends with the far end still on the line (the destination hung up, or a redirect): it waits again. */
  unbridge(reason: string): void {
    const bridge = this.call.bridge;
    if (!bridge || this.isOver) return;
    this.call.bridge = null;
    this.note({ type: 'unbridged', ...(bridge.dialCallSid ? { dialCallSid: bridge.dialCallSid } : {}), reason });
    this.phase('waiting');
    this.bridgeChanged?.();
  }

  /**
   * A `<Dial>` rings (`true`) or stopped ringing: while it rings, a person on the line (or one who
   * comes on) stops their own script — their patience with nobody talking — and waits, listening, to
   * be connected. A recording (IVR, hold music) plays on.
   */
  setDialRinging(ringing: boolean): void {
    this.dialRinging = ringing;
    if (ringing) this.holdOnForDial();
  }

  private holdOnForDial(): void {
    if (this.isOver || this.farEndScript.signal.aborted || this.call.farEndPhase !== 'live-agent') return;
    this.farEndScript.abort();
    this.phase('waiting');
  }

  /** Resolves true when the bridge starts or ends within `simSeconds`, false when it does not. */
  async waitForBridgeChange(simSeconds: number): Promise<boolean> {
    const stopWaiting = new AbortController();
    const changed = new Promise<boolean>((resolve) => {
      this.bridgeChanged = () => resolve(true);
    });
    const timeout = this.sleep(simSeconds, AbortSignal.any([this.lifetime.signal, stopWaiting.signal])).then(
      () => false,
      () => false,
    );
    try {
      return await Promise.race([changed, timeout]);
    } finally {
      stopWaiting.abort();
      this.bridgeChanged = undefined;
      this.lifetime.signal.throwIfAborted();
    }
  }

  get isBridged(): boolean {
    return this.call.bridge !== null;
  }

  hangUp(by: 'api' | 'far-end' | 'instructions', reason: string): void {
    if (this.isOver) return;
    this.note({ type: 'hang-up', by, reason });
    this.lifetime.abort();
  }

  /** Ends the call's clock and waits without a hang-up entry (it never connected, or it already ended). */
  close(): void {
    this.lifetime.abort();
  }

  /** What the far end played from answer to hang-up, as stretches of fixture audio. */
  audioSegments(): AudioSegment[] {
    const answeredAt = this.call.answeredAt ? this.phaseStartAfterAnswer() : undefined;
    if (answeredAt === undefined) return [];
    const end = this.simNow();
    const segments: AudioSegment[] = [];
    const spoken = this.phases.filter((p) => p.at >= answeredAt);
    spoken.forEach((p, i) => {
      const until = spoken[i + 1]?.at ?? end;
      if (p.phase !== 'ended' && until > p.at) segments.push({ clip: PHASE_CLIPS[p.phase], seconds: until - p.at });
    });
    return segments;
  }

  private phaseStartAfterAnswer(): number {
    const answered = this.call.history.find((h) => h.type === 'status' && h.status === 'in-progress');
    return answered?.simSeconds ?? 0;
  }
}
