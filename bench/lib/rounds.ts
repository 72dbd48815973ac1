import type { ChildProcess } from 'node:child_process';
import { cpuPerRequest, type ProcessRoles } from './cpu';
import { progress, type Variant } from './report';
import type { LatencySummary } from './stats';

/** One way of serving the benchmark's request: how to load it and which processes do its work. */
export interface VariantRunner {
  key: 'ours' | 'floor' | 'baseline';
  label: string;
  roles: ProcessRoles;
  warmUp: () => Promise<unknown>;
  measure: () => Promise<LatencySummary>;
}

/**
 * Runs every variant `rounds` times, interleaved (ours, floor, baseline, ours, ...), so that a
 * neighbour's load on a shared machine falls on all of them alike, and keeps each variant's median
 * round. The throughput of every round is returned too, to show the spread.
 */
export async function runRounds(
  variants: VariantRunner[],
  rounds: number,
): Promise<{ chosen: Record<string, Variant>; throughputByRound: Record<string, number[]> }> {
  // BENCH_VARIANTS=ours (say) runs only those, e.g. to profile one side with BENCH_CPU_PROF_DIR.
  const only = process.env.BENCH_VARIANTS?.split(',');
  const measured = only ? variants.filter((v) => only.includes(v.key)) : variants;
  const all: Record<string, Variant[]> = Object.fromEntries(measured.map((v) => [v.key, []]));
  for (const variant of measured) await variant.warmUp();
  for (let round = 0; round < rounds; round++) {
    for (const variant of measured) {
      await variant.warmUp();
      const { result, cpuMsPerRequest } = await cpuPerRequest(variant.roles, variant.measure);
      progress(`round ${round + 1}/${rounds} ${variant.key}: ${result.throughputPerSec} req/s, p50 ${result.p50Ms} ms`);
      all[variant.key].push({ label: variant.label, ...result, cpuMsPerRequest });
    }
  }
  const chosen: Record<string, Variant> = {};
  const throughputByRound: Record<string, number[]> = {};
  for (const [key, list] of Object.entries(all)) {
    throughputByRound[key] = list.map((v) => v.throughputPerSec);
    const sorted = [...list].sort((a, b) => a.throughputPerSec - b.throughputPerSec);
    chosen[key] = sorted[Math.floor((sorted.length - 1) / 2)];
  }
  return { chosen, throughputByRound };
}

/** The port a fixture prints as `{"port": n}` on its first line of output. */
export function portOf(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n')) resolve(Number(JSON.parse(line).port ?? 0));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited (code ${code})`)));
  });
}

export const BENCH_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
