import type { ChildProcess } from 'node:child_process';
import { spawnScript, stop } from './lib/processes';
import { type BenchmarkResult, makeResult, progress, type Variant } from './lib/report';
import { BENCH_ROUNDS } from './lib/rounds';

const RECORDING_MB = Number(process.env.BENCH_RECORDING_MB ?? 500);
const MB = 1024 * 1024;

/** The first line a fixture prints, parsed. */
function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]) as T);
    });
    child.once('exit', (code) => reject(new Error(`fixture exited (code ${code})`)));
  });
}

interface CopyRun {
  ms: number;
  bytes: number;
  peakRssMb: number;
}

const MODES = ['ours', 'floor', 'raw'] as const;
type Mode = (typeof MODES)[number];

const mbPerSec = (run: CopyRun) => Math.round((run.bytes / MB / (run.ms / 1000)) * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** One variant's rounds as the report's figures: throughput in MB/s, copy times as latencies. */
function asVariant(label: string, runs: CopyRun[]): Variant {
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    label,
    requests: runs.length,
    throughputPerSec: round(runs[0].bytes / MB / (median(times) / 1000)),
    p50Ms: round(median(times)),
    p99Ms: round(times[times.length - 1]),
    meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
  };
}

/**
 * A 500 MB WAV composed by the simulator's composer, downloaded over HTTP and copied into the S3
 * sink (the tests' S3-compatible server, its own process) by the pipeline's path (RecordingValidator
 * into S3RecordingStore.put), by bare lib-storage (the same multipart upload, nothing checked: the
 * floor) and by a raw pipe of the same download into one streaming PutObject (the baseline); each
 * copy in a fresh process, rounds interleaved, median kept; the peak RSS of the pipeline's copies.
 */
export async function recordingCopyBenchmark(): Promise<BenchmarkResult> {
  const sink = spawnScript('bench/fixtures/s3-sink.js', {});
  const source = spawnScript('bench/fixtures/recording-source.js', { RECORDING_BYTES: String(RECORDING_MB * MB) });
  try {
    const s3 = await firstLine<object>(sink);
    const { port, totalBytes } = await firstLine<{ port: number; totalBytes: number }>(source);
    const env = { S3_CONFIG: JSON.stringify(s3), SOURCE_URL: `http://127.0.0.1:${port}/recording.wav` };
    const copy = async (mode: Mode): Promise<CopyRun> => {
      const child = spawnScript('bench/fixtures/recording-copy.js', { ...env, COPY_MODE: mode });
      const run = await firstLine<CopyRun>(child);
      await new Promise((r) => child.once('exit', r));
      if (run.bytes !== totalBytes) throw new Error(`${mode} copied ${run.bytes} of ${totalBytes} bytes`);
      return run;
    };
    const runs: Record<Mode, CopyRun[]> = { ours: [], floor: [], raw: [] };
    for (let round = 0; round < BENCH_ROUNDS; round++) {
      for (const mode of MODES) {
        const run = await copy(mode);
        runs[mode].push(run);
        progress(`round ${round + 1}/${BENCH_ROUNDS} ${mode}: ${mbPerSec(run)} MB/s, peak RSS ${run.peakRssMb} MB`);
      }
    }
    const peakRssMb = Object.fromEntries(MODES.map((m) => [m, Math.max(...runs[m].map((r) => r.peakRssMb))]));
    progress(`peak RSS of one copy's process (MB, goal for ours < 200): ${JSON.stringify(peakRssMb)}`);
    const ours = asVariant('validator -> S3RecordingStore.put (multipart, verified)', runs.ours);
    const floor = asVariant('bare lib-storage multipart upload, nothing checked', runs.floor);
    const raw = asVariant('raw pipe: download -> one streaming PutObject', runs.raw);
    return makeResult(
      'recording-copy',
      `a ${RECORDING_MB} MB WAV from the simulator's composer over HTTP into an S3-compatible server (s3rver): the pipeline's validated, verified multipart put vs the same multipart upload by bare lib-storage (floor) vs a raw pipe of the same bytes into one PutObject (baseline); "req/s" is MB/s, latencies are whole-copy times; goal ours/baseline >= 0.8, peak RSS < 200 MB`,
      { ours, floor, baseline: raw },
      {
        bytes: totalBytes,
        peakRssMb,
        mbPerSecByRound: Object.fromEntries(MODES.map((m) => [m, runs[m].map(mbPerSec)])),
      },
    );
  } finally {
    await stop(source);
    await stop(sink);
  }
}
