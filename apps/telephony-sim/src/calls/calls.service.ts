import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { SimAccount } from '../accounts/sim-account';
import type { MediaStreamSession } from '../media/media-stream-session';
import { StreamClipLibrary } from '../media/stream-clip-library';
import { streamClipsFromFixtures } from '../media/stream-clips';
import { RecordingsService } from '../recordings/recordings.service';
import { TelephonySimConfig } from '../telephony-sim.config';
import type { DialTarget } from '../twiml/twiml';
import {
  type CallDriver,
  type CallEvent,
  type CallEventType,
  CallRuntime,
  type OpenStreamRequest,
} from './call-runtime';
import { runFarEndAfterScript, runFarEndScript } from './far-end';
import { API_SCENARIOS, pickScenario, planScenario } from './scenarios';
import { type CallStatus, FINAL_STATUSES, type HistoryInput, type SimCall } from './sim-call';
import { simSecondsSince } from './sim-clock';

const QUEUED_SECONDS = 0.2;
/** Finished calls kept for the admin API; the oldest are forgotten first, so a long benchmark stays in bounds. */
const KEPT_CALLS = 20_000;
/** Calls whose streams' received audio stays downloadable (each may hold minutes of it). */
const KEPT_STREAM_CALLS = 200;

export type CallListener = (event: CallEvent) => void;

export interface PlaceCallInput {
  account: SimAccount;
  /** The number the far end answers on (it picks the scenario). */
  to: string;
  from: string;
  providerBaseUrl: string;
  ringTimeoutSeconds: number;
  record: boolean;
  driver?: CallDriver;
  sid?: string;
  extra?: Pick<SimCall, 'twilio' | 'exotel' | 'ringcentral'>;
}

export interface CallFilter {
  accountSid?: string;
  to?: string;
  status?: CallStatus;
}

/**
 * The simulated calls: places them, runs each through its scenario on the account's clock, lets
 * the API hang up, redirect or transfer them, and tells the provider reporters what happened.
 */
@Injectable()
export class CallsService implements OnModuleDestroy {
  private readonly logger = new Logger(CallsService.name);
  private readonly calls = new Map<string, SimCall>();
  private readonly runtimes = new Map<string, CallRuntime>();
  private readonly listeners: CallListener[] = [];
  /** Calls placed so far per account and number: the seeded scenario of a redial may differ. */
  private readonly attempts = new Map<string, number>();
  /** Dials of each destination per account (by destinationKey): a `111K` destination answers from dial K on. */
  private readonly destinationDials = new Map<string, number>();

  /** Media streams of live and recent calls, by call sid, for the received-audio downloads. */
  private readonly streamSessions = new Map<string, MediaStreamSession[]>();
  /** The far end's stream sounds: the corpus's voices per line when it is there, the fixtures otherwise. */
  readonly streamAudio: StreamClipLibrary;

  constructor(
    private readonly recordings: RecordingsService,
    config: TelephonySimConfig,
  ) {
    const fixtures = streamClipsFromFixtures(recordings.clips);
    this.streamAudio =
      config.SIM_STREAM_AUDIO === 'fixtures'
        ? StreamClipLibrary.fixturesOnly(fixtures)
        : StreamClipLibrary.load(fixtures, config.SIM_CORPUS_DIR);
    this.logger.log(`media streams play the far end from the ${this.streamAudio.source}`);
  }

  onModuleDestroy(): void {
    for (const runtime of this.runtimes.values()) runtime.hangUp('api', 'simulator stopping');
  }

  subscribe(listener: CallListener): void {
    this.listeners.push(listener);
  }

  /** Places a call; it runs on its own from here, and the returned record changes as it does. */
  place(input: PlaceCallInput): SimCall {
    const { account } = input;
    const attemptKey = `${account.sid}|${input.to}`;
    const attempt = this.attempts.get(attemptKey) ?? 0;
    this.attempts.set(attemptKey, attempt + 1);
    const picked = pickScenario(input.to, account.seed, attempt);
    // A request that got through a failing-API scenario places a call a person answers.
    const scenario = API_SCENARIOS.has(picked.scenario) ? 'human' : picked.scenario;
    const call: SimCall = {
      sid: input.sid ?? `CA${randomBytes(16).toString('hex')}`,
      accountSid: account.sid,
      flavour: account.flavour,
      from: input.from,
      to: input.to,
      direction: 'outbound-api',
      status: 'queued',
      scenario,
      scenarioSource: picked.source,
      plan: planScenario(scenario, account.seed, input.to, attempt, { holdSeconds: account.holdSeconds }),
      attempt,
      timeScale: account.timeScale,
      ringTimeoutSeconds: input.ringTimeoutSeconds,
      record: input.record,
      createdAt: new Date().toISOString(),
      farEndPhase: 'dialing',
      streams: [],
      mediaStreams: [],
      digitsReceived: [],
      bridge: null,
      dials: [],
      heard: [],
      providerBaseUrl: input.providerBaseUrl,
      ...input.extra,
      history: [],
    };
    this.calls.set(call.sid, call);
    this.forgetOldCalls();
    const runtime = new CallRuntime(
      call,
      this.recordings.clips,
      (type) => this.emit(type, call),
      this.streamAudio.clipsFor(input.to, attempt),
      (key) => this.countDestinationDial(account.sid, key),
    );
    this.streamSessions.set(call.sid, runtime.streamSessions);
    this.runtimes.set(call.sid, runtime);
    runtime.note({ type: 'status', status: 'queued' });
    void this.run(runtime, input.driver);
    return call;
  }

  find(sid: string): SimCall | undefined {
    return this.calls.get(sid);
  }

  /** The call, only when it belongs to the account asking (another account's sid is simply not found). */
  findForAccount(accountSid: string, sid: string): SimCall | undefined {
    const call = this.calls.get(sid);
    return call?.accountSid === accountSid ? call : undefined;
  }

  list(filter: CallFilter = {}): SimCall[] {
    return [...this.calls.values()].filter(
      (c) =>
        (!filter.accountSid || c.accountSid === filter.accountSid) &&
        (!filter.to || c.to === filter.to) &&
        (!filter.status || c.status === filter.status),
    );
  }

  /** Adds an entry to a call's history (API requests about it, for example). */
  note(call: SimCall, entry: HistoryInput): void {
    call.history.push({ at: new Date().toISOString(), simSeconds: simSecondsSince(call), ...entry } as never);
  }

  isLive(call: SimCall): boolean {
    return this.runtimes.has(call.sid);
  }

  /** Hangs up (answered) or cancels (not yet answered) a live call. */
  hangUp(call: SimCall, reason: string): void {
    this.runtimes.get(call.sid)?.hangUp('api', reason);
  }

  /** Replaces the instructions a call follows (Twilio's redirect). */
  redirect(call: SimCall, driver: CallDriver): void {
    this.runtimes.get(call.sid)?.startDriver(driver);
  }

  /** Opens a media stream on a live, answered call (Twilio's Streams REST resource); undefined if it is not. */
  openStream(call: SimCall, request: OpenStreamRequest): MediaStreamSession | undefined {
    const runtime = this.runtimes.get(call.sid);
    if (!runtime?.isAnswered || runtime.isOver) return undefined;
    return runtime.openStream(request);
  }

  /** A media stream of a live or recent call (what our side sent back on it is kept there). */
  streamSession(callSid: string, streamSid: string): MediaStreamSession | undefined {
    return this.streamSessions.get(callSid)?.find((s) => s.streamSid === streamSid);
  }

  /** DTMF pressed at the far end (a caller's keypad): bidirectional streams carry it as `dtmf` events. */
  farEndDigits(call: SimCall, digits: string): boolean {
    const runtime = this.runtimes.get(call.sid);
    runtime?.farEndDigits(digits);
    return runtime !== undefined;
  }

  /** Transfers the far end to another party (RingCentral's transfer). */
  transfer(call: SimCall, target: DialTarget): void {
    this.runtimes.get(call.sid)?.bridge(target);
  }

  reset(): void {
    for (const runtime of this.runtimes.values()) runtime.hangUp('api', 'simulator reset');
    this.calls.clear();
    this.attempts.clear();
    this.destinationDials.clear();
    this.streamSessions.clear();
  }

  private countDestinationDial(accountSid: string, key: string): number {
    const counted = `${accountSid}|${key}`;
    const before = this.destinationDials.get(counted) ?? 0;
    this.destinationDials.set(counted, before + 1);
    return before;
  }

  private forgetOldCalls(): void {
    if (this.calls.size <= KEPT_CALLS) return;
    for (const [sid] of this.calls) {
      if (this.calls.size <= KEPT_CALLS) break;
      if (!this.runtimes.has(sid)) this.calls.delete(sid);
    }
  }

  private forgetOldStreams(endedSid: string): void {
    if (this.streamSessions.get(endedSid)?.length === 0) this.streamSessions.delete(endedSid);
    for (const [sid] of this.streamSessions) {
      if (this.streamSessions.size <= KEPT_STREAM_CALLS) break;
      if (!this.runtimes.has(sid)) this.streamSessions.delete(sid);
    }
  }

  private emit(type: CallEventType, call: SimCall): void {
    for (const listener of this.listeners) {
      try {
        listener({ type, call });
      } catch (error) {
        this.logger.error(error instanceof Error ? error : String(error));
      }
    }
  }

  private async run(rt: CallRuntime, driver: CallDriver | undefined): Promise<void> {
    const { call } = rt;
    const { plan } = call;
    try {
      // Twilio answers the create request with the call still queued; dialing starts a moment later.
      await rt.sleep(QUEUED_SECONDS);
      rt.setStatus('initiated');
      await rt.sleep(plan.ringDelaySeconds);
      if (plan.scenario === 'busy' || plan.scenario === 'failed') return this.finish(rt, plan.scenario);
      rt.setStatus('ringing');
      rt.phase('ringing');
      const answersAfter = plan.scenario === 'no-answer' ? Number.POSITIVE_INFINITY : plan.answerAfterSeconds;
      if (answersAfter > call.ringTimeoutSeconds) {
        await rt.sleep(call.ringTimeoutSeconds);
        return this.finish(rt, 'no-answer');
      }
      await rt.sleep(answersAfter);
      rt.answer(driver);
      void this.playFarEnd(rt);
      await rt.untilEnded();
      this.finish(rt, 'completed');
    } catch (error) {
      if (!rt.isOver) {
        rt.note({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        rt.hangUp('api', 'simulator error');
      }
      this.finish(rt, rt.isAnswered ? 'completed' : 'canceled');
    }
  }

  private async playFarEnd(rt: CallRuntime): Promise<void> {
    try {
      const reason = await runFarEndScript(rt);
      rt.hangUp('far-end', reason);
      return;
    } catch {
      // Stopped by a bridge, a hand-off's dial, or a hang-up.
    }
    if (rt.isOver) return;
    await runFarEndAfterScript(rt).then(
      (reason) => rt.hangUp('far-end', reason),
      () => undefined,
    );
  }

  private finish(rt: CallRuntime, status: CallStatus): void {
    const { call } = rt;
    if (FINAL_STATUSES.has(call.status)) return;
    rt.close();
    const answeredSim = call.answeredAt
      ? call.history.find((h) => h.type === 'status' && h.status === 'in-progress')?.simSeconds
      : undefined;
    call.durationSeconds = answeredSim === undefined ? 0 : Math.max(0, Math.round(rt.simNow() - answeredSim));
    call.endedAt = new Date().toISOString();
    if (call.record && call.answeredAt) {
      call.recording = this.recordings.create(call, rt.audioSegments(), call.answeredAt);
    }
    call.farEndPhase = 'ended';
    call.status = status;
    rt.note({ type: 'status', status });
    this.runtimes.delete(call.sid);
    this.forgetOldStreams(call.sid);
    this.emit('ended', call);
    if (call.recording) this.emit('recording', call);
  }
}
