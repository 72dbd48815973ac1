import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetHeader, NATS_SERVICE_ERROR_CODE, StreamTokenCommands, type StreamTokenDto } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
// Imported by path: the rest of libs/testing is Jest's and stays out of the build.
import { TestDatabase } from '../libs/testing/src/test-database';
import type { GeneratorResult, GeneratorRun, GeneratorStream } from './fixtures/media-stream-generator';
import { cpuMsOf } from './lib/cpu';
import type { ReceiverReply, ReceiverRequest, TrialReport } from './lib/media-trial';
import type { BenchBroker } from './lib/private-nats';
import { freePort, profilingFlags, purgeBenchNamespace, spawnService, stop, waitForHttp } from './lib/processes';
import { type BenchmarkResult, makeResult, progress, type Variant } from './lib/report';

const ROOT = join(__dirname, '..', '..');
const WARMUP_S = Number(process.env.BENCH_MEDIA_WARMUP_S ?? 3);
const DURATION_S = Number(process.env.BENCH_MEDIA_DURATION_S ?? 10);
const START_N = Number(process.env.BENCH_MEDIA_START_N ?? 100);
const MAX_N = Number(process.env.BENCH_MEDIA_MAX_N ?? 4000);
/** The search stops when the largest passing and the smallest failing N are this close (fraction of N). */
const PRECISION = Number(process.env.BENCH_MEDIA_PRECISION ?? 0.05);
/** The goal of the issue: the p99 lag between a frame's due time and its analysis. */
const P99_LIMIT_MS = 20;
const FRAMES_PER_SECOND = 50;
/**
 * A generator later than this (p99) sent the load too late to judge the receiver: the trial fails as
 * "generator behind", and the N found is the machine's limit rather than the receiver's.
 */
const GENERATOR_LATE_LIMIT_MS = 10;

/** A process of the benchmark with an IPC channel (the receivers and the generator talk over it). */
function spawnWithIpc(relativeJs: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...profilingFlags(), join(ROOT, 'dist', relativeJs)], {
    env: { ...process.env, ...env },
    // stdout: media-stream's JSON logs (warn and up) would bury the progress lines.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function nextMessage<T>(child: ChildProcess, accept: (m: unknown) => m is T, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no answer from pid ${child.pid} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: unknown) => {
      if (accept(m)) done(null, m);
    };
    const onExit = (code: number | null) => done(new Error(`pid ${child.pid} exited (code ${code})`));
    const done = (error: Error | null, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const isReply =
  <K extends ReceiverReply['type']>(type: K) =>
  (m: unknown): m is Extract<ReceiverReply, { type: K }> =>
    (m as { type?: string })?.type === type;

/** What receives the streams: the bare baseline or media-stream, each a process of its own. */
export interface MediaReceiver {
  key: 'ours' | 'baseline';
  label: string;
  url: string;
  /** The processes whose CPU the analysis costs, by role. */
  roles: Record<string, () => number[]>;
  /** The streams' tokens (the baseline takes any string). */
  tokens: (n: number) => Promise<GeneratorStream[]>;
  /**
   * media-stream's own counters so far: frames it dropped, and frames its detector analysed (proof
   * that detection was on). The baseline has neither: it never drops and does not detect.
   */
  counters?: () => Promise<{ dropped: number; detected: number }>;
  report: (trial: number) => Promise<TrialReport>;
  close: () => Promise<void>;
}

/** Starts a receiver fixture and waits until it listens. */
export async function startReceiver(
  relativeJs: string,
  env: Record<string, string>,
  readyTimeoutMs: number,
): Promise<{ child: ChildProcess; port: number; report: (trial: number) => Promise<TrialReport> }> {
  const child = spawnWithIpc(relativeJs, env);
  const { port } = await nextMessage(child, isReply('listening'), readyTimeoutMs);
  const report = async (trial: number) => {
    const answer = nextMessage(child, isReply('report'), 30_000);
    child.send({ type: 'report', trial, timeoutMs: 20_000 } satisfies ReceiverRequest);
    return (await answer).report;
  };
  return { child, port, report };
}

interface Trial {
  streams: number;
  pass: boolean;
  why: string[];
  lag: TrialReport['lag'];
  framesSent: number;
  framesAnalysed: number;
  dropped: number;
  generator: Pick<GeneratorResult, 'lateness' | 'cpuMs' | 'elapsedMs' | 'maxBufferedBytes'>;
  /** CPU of the receiver's processes per analysed frame (ms), by role. */
  cpuMsPerFrame: Record<string, number>;
}

let trialCounter = 0;

/** N streams for WARMUP_S + DURATION_S against `receiver`, from a generator process of its own. */
async function runTrial(receiver: MediaReceiver, n: number): Promise<Trial> {
  const trial = ++trialCounter;
  const streams = await receiver.tokens(n);
  const countersBefore = await receiver.counters?.();
  const pids = Object.entries(receiver.roles).map(([role, find]) => [role, find()] as const);
  const cpuBefore = pids.map(([, list]) => list.map(cpuMsOf));
  const generator = spawnWithIpc('bench/fixtures/media-stream-generator.js', {});
  const finished = nextMessage(
    generator,
    (m): m is GeneratorResult => (m as { type?: string })?.type === 'done',
    (WARMUP_S + DURATION_S) * 1000 + 120_000,
  );
  generator.send({
    type: 'run',
    url: receiver.url,
    trial,
    streams,
    warmupMs: WARMUP_S * 1000,
    durationMs: DURATION_S * 1000,
  } satisfies GeneratorRun);
  const result = await finished;
  await stop(generator);
  const seen = await receiver.report(trial);
  const cpuMsPerFrame: Record<string, number> = {};
  pids.forEach(([role, list], r) => {
    const used = list.reduce((total, pid, i) => total + Math.max(0, cpuMsOf(pid) - cpuBefore[r][i]), 0);
    cpuMsPerFrame[role] = Math.round((used / Math.max(1, seen.frames)) * 10_000) / 10_000;
  });
  const cpuTotal = Object.values(cpuMsPerFrame).reduce((a, b) => a + b, 0);
  const countersAfter = await receiver.counters?.();
  const dropped = countersAfter && countersBefore ? countersAfter.dropped - countersBefore.dropped : 0;
  const detected = countersAfter && countersBefore ? countersAfter.detected - countersBefore.detected : undefined;
  const why: string[] = [];
  if (Object.keys(result.connectFailures).length)
    why.push(`connect failures ${JSON.stringify(result.connectFailures)}`);
  if (Object.keys(result.closedEarly).length) why.push(`closed by the server ${JSON.stringify(result.closedEarly)}`);
  if (seen.frames < result.framesSent) why.push(`${result.framesSent - seen.frames} frames never analysed`);
  if (dropped > 0) why.push(`${dropped} frames dropped`);
  // Every frame of the trial, warm-up and drain included, went through the detector.
  if (detected !== undefined && detected < result.framesSent) {
    why.push(`the detector analysed ${detected} frames of ${result.framesSent} measured`);
  }
  if (seen.lag.p99Ms >= P99_LIMIT_MS) why.push(`p99 lag ${seen.lag.p99Ms} ms`);
  if (result.lateness.p99Ms >= GENERATOR_LATE_LIMIT_MS) why.push(`generator behind (p99 ${result.lateness.p99Ms} ms)`);
  const outcome: Trial = {
    streams: n,
    pass: why.length === 0,
    why,
    lag: seen.lag,
    framesSent: result.framesSent,
    framesAnalysed: seen.frames,
    dropped,
    generator: {
      lateness: result.lateness,
      cpuMs: result.cpuMs,
      elapsedMs: result.elapsedMs,
      maxBufferedBytes: result.maxBufferedBytes,
    },
    cpuMsPerFrame,
  };
  progress(
    `${receiver.key} N=${n}: ${outcome.pass ? 'pass' : `FAIL (${why.join('; ')})`}, lag p50 ${seen.lag.p50Ms} p99 ${seen.lag.p99Ms} max ${seen.lag.maxMs} ms, generator late p99 ${result.lateness.p99Ms} ms (cpu ${Math.round((result.cpuMs / Math.max(1, result.elapsedMs)) * 100)}%), ${Math.round(cpuTotal * 10_000) / 10_000} ms CPU/frame`,
  );
  return outcome;
}

/**
 * The search for the largest N that passes: doubling from START_N until a failure (or MAX_N), then
 * bisecting between the last pass and the first failure. A failure is tried once more before it
 * counts: on a shared machine one neighbour's burst must not end the search. Step by step (`next`,
 * then `record` the trial), so that two searches can take turns.
 */
export class LargestPassingN {
  readonly trials: Trial[] = [];
  best: Trial | null = null;
  cappedAt?: number;
  private failing: number | null = null;
  private pending: number | null = START_N;
  private retried = false;

  /** The N to try next, or null when the search is over. */
  next(): number | null {
    return this.pending;
  }

  record(t: Trial): void {
    this.trials.push(t);
    if (!t.pass && !this.retried) {
      this.retried = true;
      return;
    }
    this.retried = false;
    if (t.pass) this.best = t;
    else this.failing = t.streams;
    const low = this.best?.streams ?? 0;
    if (this.failing === null) {
      if (t.streams >= MAX_N) {
        this.cappedAt = MAX_N;
        this.pending = null;
      } else this.pending = Math.min(MAX_N, t.streams * 2);
      return;
    }
    this.pending = this.failing - low > Math.max(10, low * PRECISION) ? Math.round((low + this.failing) / 2) : null;
  }
}

function variantOf(label: string, trial: Trial | null): Variant {
  if (!trial)
    return { label: `${label} (no N passed)`, requests: 0, throughputPerSec: 0, p50Ms: 0, p99Ms: 0, meanMs: 0 };
  return {
    label: `${label}: ${trial.streams} streams`,
    requests: trial.framesAnalysed,
    throughputPerSec: trial.streams * FRAMES_PER_SECOND,
    p50Ms: trial.lag.p50Ms,
    p99Ms: trial.lag.p99Ms,
    meanMs: trial.lag.meanMs,
    cpuMsPerRequest: trial.cpuMsPerFrame,
  };
}

const bareReceiver = async (): Promise<MediaReceiver> => {
  const { child, port, report } = await startReceiver('bench/fixtures/bare-media-ws.js', {}, 30_000);
  return {
    key: 'baseline',
    label: 'bare ws: JSON.parse + base64 decode',
    url: `ws://127.0.0.1:${port}/media/twilio`,
    roles: { 'bare-ws': () => [child.pid as number] },
    tokens: async (n) => Array.from({ length: n }, (_, i) => ({ callId: `bench-${i}`, token: 'none' })),
    report,
    close: () => stop(child),
  };
};

/**
 * Streams that dial the same line (share its line memory, as the legs of one hunt do); 0: no line,
 * every stream learns alone.
 */
const STREAMS_PER_LINE = Number(process.env.BENCH_MEDIA_STREAMS_PER_LINE ?? 10);
/** Tokens asked of auth at once (each one an EdDSA signature there). */
const TOKEN_CONCURRENCY = 64;

/**
 * media-stream with detection on, as the fleet runs it: the real service (inside the probe fixture)
 * on the benchmark's broker, verifying real stream tokens that the real auth service signs (asked
 * over NATS as call-orchestrator asks, one per stream, just before each trial: they live 2 minutes).
 */
async function mediaStreamReceiver(broker: BenchBroker): Promise<MediaReceiver> {
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const database = await TestDatabase.create({ serverUrl: process.env.BENCH_POSTGRES_URL, prefix: 'callfleet_bench' });
  const keysDir = mkdtempSync(join(tmpdir(), 'bench-keys-'));
  const common = {
    NATS_URL: broker.url,
    CALLFLEET_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    NODE_ENV: 'development',
  };
  const authPort = await freePort();
  const auth = spawnService('auth', {
    ...common,
    PORT: String(authPort),
    DATABASE_URL: database.url,
    JWT_KEYS_DIR: keysDir,
  });
  let probe: ChildProcess | undefined;
  const nc = await connect({ servers: broker.url, name: 'bench-media-tokens' });
  const close = async () => {
    await nc.close();
    await Promise.all([probe ? stop(probe) : undefined, stop(auth)]);
    await purgeBenchNamespace(broker.url, namespace);
    await database.drop();
    rmSync(keysDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${authPort}/health/ready`, 90_000, auth);
    const started = await startReceiver(
      'bench/fixtures/media-stream-probe.js',
      {
        ...common,
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        // Limits above what the search asks for: the benchmark measures speed, not the limits.
        MEDIA_MAX_STREAMS: String(MAX_N * 2),
        MEDIA_MAX_STREAMS_PER_ORG: String(MAX_N * 2),
        // The generator opens every socket before the first `start`: thousands take a few seconds.
        MEDIA_START_TIMEOUT_MS: '60000',
      },
      90_000,
    );
    probe = started.child;
    const origin = `http://127.0.0.1:${started.port}`;
    await waitForHttp(`${origin}/health/ready`, 90_000, probe);
    const issueSubject = new SubjectNamespace(namespace).subject(StreamTokenCommands.Issue.subject);
    const orgId = randomUUID();
    const run = randomBytes(3).toString('hex');
    let issued = 0;
    const issue = async (): Promise<GeneratorStream> => {
      const callId = `bench-${run}-${++issued}`;
      const line = STREAMS_PER_LINE > 0 ? `bench-${run}-line-${Math.floor(issued / STREAMS_PER_LINE)}` : undefined;
      const h = natsHeaders();
      h.set(FleetHeader.REQUEST_ID, randomUUID());
      const reply = await nc.request(issueSubject, JSON.stringify({ callId, orgId, provider: 'twilio', line }), {
        timeout: 10_000,
        headers: h,
      });
      if (reply.headers?.get(NATS_SERVICE_ERROR_CODE)) throw new Error(`no stream token: ${reply.string()}`);
      return { callId, token: reply.json<StreamTokenDto>().token };
    };
    return {
      key: 'ours',
      label: 'media-stream, detection on',
      url: `ws://127.0.0.1:${started.port}/media/twilio`,
      roles: {
        'media-stream': () => [probe?.pid as number],
        ...(broker.pid ? { 'nats-server': () => [broker.pid as number] } : {}),
      },
      tokens: async (n) => {
        const streams: GeneratorStream[] = [];
        for (let i = 0; i < n; i += TOKEN_CONCURRENCY) {
          streams.push(...(await Promise.all(Array.from({ length: Math.min(TOKEN_CONCURRENCY, n - i) }, issue))));
        }
        return streams;
      },
      counters: async () => {
        const scrape = await (await fetch(`${origin}/metrics`)).text();
        const sum = (metric: string) => {
          let total = 0;
          for (const [, value] of scrape.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
            total += Number(value);
          }
          return total;
        };
        return {
          dropped: sum('callfleet_media_frames_dropped_total'),
          detected: sum('callfleet_media_frame_processing_seconds_count'),
        };
      },
      report: started.report,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * `media`: N concurrent Twilio Media Streams, each paced at 50 frames/s against wall-clock due times
 * by a generator process, into (ours) media-stream with detection on, and (baseline) a bare `ws`
 * server that only parses each message and decodes its base64, in the same run. For each, the
 * largest N at which the p99 lag between a frame's due time and its analysis stays under 20 ms
 * with no frame dropped; the ratio of the two is the cost of everything media-stream does.
 */
export async function mediaBenchmark(broker: BenchBroker): Promise<BenchmarkResult> {
  const only = process.env.BENCH_VARIANTS?.split(',');
  const wanted = (key: string) => !only || only.includes(key);
  const searches: Record<string, LargestPassingN> = {};
  const labels: Record<string, string> = {};
  const makers: [string, () => Promise<MediaReceiver>][] = [
    ['baseline', bareReceiver],
    ['ours', () => mediaStreamReceiver(broker)],
  ];
  const receivers: MediaReceiver[] = [];
  try {
    for (const [key, make] of makers) {
      if (!wanted(key)) continue;
      const receiver = await make();
      receivers.push(receiver);
      labels[key] = receiver.label;
      searches[key] = new LargestPassingN();
    }
    // Both searches take turns, trial by trial, so that a neighbour's load falls on both alike.
    progress(`media: searching the largest N for ${receivers.map((r) => r.label).join(' and ')}`);
    for (;;) {
      const due = receivers.filter((r) => searches[r.key].next() !== null);
      if (due.length === 0) break;
      for (const receiver of due) {
        const search = searches[receiver.key];
        search.record(await runTrial(receiver, search.next() as number));
      }
    }
  } finally {
    for (const receiver of receivers) await receiver.close();
  }
  const best = (key: string) => searches[key]?.best ?? null;
  const largest = (key: string) => best(key)?.streams ?? 0;
  const streamsRatio = largest('baseline') > 0 ? Math.round((largest('ours') / largest('baseline')) * 100) / 100 : 0;
  console.log(
    `\nmedia: largest N with p99 lag < ${P99_LIMIT_MS} ms and no frame dropped: media-stream ${largest('ours')}, bare ws ${largest('baseline')}${searches.baseline?.cappedAt ? ` (capped at ${searches.baseline.cappedAt})` : ''}, ratio ${streamsRatio}`,
  );
  return makeResult(
    'media',
    `N concurrent Twilio Media Streams (μ-law 20 ms frames, 50/s each against wall-clock due times, phases spread) from a generator process; the largest N with p99 lag (frame due → analysed) < ${P99_LIMIT_MS} ms and no frame dropped, searched upward (doubling, then bisecting, a failure tried twice; the two searches take turns trial by trial; ${WARMUP_S} s warm-up + ${DURATION_S} s measured per trial): media-stream with detection on vs a bare ws server that only parses and base64-decodes; throughput = N × 50 frames/s, CPU per frame`,
    {
      ours: searches.ours ? variantOf(labels.ours, best('ours')) : undefined,
      baseline: searches.baseline ? variantOf(labels.baseline, best('baseline')) : undefined,
    },
    {
      largestStreams: { ours: largest('ours'), baseline: largest('baseline') },
      streamsRatio,
      cappedAt: { ours: searches.ours?.cappedAt, baseline: searches.baseline?.cappedAt },
      p99LimitMs: P99_LIMIT_MS,
      trials: Object.fromEntries(Object.entries(searches).map(([k, s]) => [k, s.trials])),
    },
  );
}
