import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decodeWav } from '@callfleet/audio';
import { InMemoryLineMemory, type LineMemory } from '@callfleet/detection';
import { type FileDecision, renderScore, scoreDecisions } from './detection-score';
import { parseManifest } from './eval-manifest';
import { runConcurrentLegs } from './run-concurrent-legs';
import { type FileRun, runDetectorOnSamples } from './run-detection-file';

/**
 * `npm run detection:eval -- --manifest <file.jsonl> [--out <decisions.jsonl>]`: runs the service's live-human
 * detector over a labeled corpus (docs/detection.md). Files of one `line` share one line memory, in manifest
 * order, as the legs of a hunt do. With `--concurrent <legs>` the files of one line run as hunts of that many legs
 * heard at once (in manifest order; leg k starts `--stagger <ms>` × k after the first, default 700 ms), as a hunt's
 * legs are: what one leg hears is in the line's memory while the others hear it. `--without-hearing` (an ablation)
 * hides what the other legs are hearing now (LineMemory.hearing) from the detector. Exit code 1 on bad input (a
 * missing or unreadable file, a WAV that is not 8 kHz mono μ-law or PCM16); missed goals are printed, not failed.
 */
const USAGE =
  'usage: npm run detection:eval -- --manifest <file.jsonl> [--out <decisions.jsonl>] [--concurrent <legs> [--stagger <ms>] [--without-hearing]]';

function argument(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  return value;
}

/** The samples of one corpus file, or an error naming it. */
export function readCorpusWav(path: string, name: string): Int16Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${name}: cannot read (${(error as Error).message})`);
  }
  let wav: ReturnType<typeof decodeWav>;
  try {
    wav = decodeWav(bytes);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
  if (wav.encoding === 'alaw') throw new Error(`${name}: A-law WAV; the corpus is μ-law (format 7) or PCM16`);
  if (wav.sampleRate !== 8000 || wav.channels !== 1)
    throw new Error(`${name}: ${wav.sampleRate} Hz, ${wav.channels} channel(s); the corpus is 8 kHz mono`);
  return wav.samples;
}

function main(): number {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const manifestPath = argument(argv, '--manifest');
  if (!manifestPath) throw new Error(USAGE);
  const outPath = argument(argv, '--out');
  const entries = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const root = dirname(resolve(manifestPath));
  const concurrent = Number(argument(argv, '--concurrent') ?? 1);
  const staggerMs = Number(argument(argv, '--stagger') ?? 700);
  if (!Number.isInteger(concurrent) || concurrent < 1 || !(staggerMs >= 0)) throw new Error(USAGE);
  const withoutHearing = argv.includes('--without-hearing');
  const memories = new Map<string, LineMemory>();
  const memoryOf = (line: string | undefined): LineMemory | undefined => {
    if (line === undefined) return undefined;
    let memory = memories.get(line);
    if (!memory) {
      const held = new InMemoryLineMemory();
      // The ablation: the same memory without what the other legs are hearing now.
      memory = withoutHearing
        ? {
            match: (probe, options) => held.match(probe, { ...options, hearer: undefined }),
            remember: (fingerprint) => held.remember(fingerprint),
            get heardHoldMs() {
              return held.heardHoldMs;
            },
            heardHold: (ms) => held.heardHold(ms),
          }
        : held;
      memories.set(line, memory);
    }
    return memory;
  };
  const runs = new Map<(typeof entries)[number], FileRun>();
  // Hunts: up to `concurrent` consecutive files of one line (files without a line run alone).
  const hunts: (typeof entries)[] = [];
  const open = new Map<string, (typeof entries)[number][]>();
  for (const entry of entries) {
    const hunt = entry.line === undefined ? undefined : open.get(entry.line);
    if (hunt && hunt.length < concurrent) hunt.push(entry);
    else {
      const started = [entry];
      hunts.push(started);
      if (entry.line !== undefined) open.set(entry.line, started);
    }
  }
  for (const hunt of hunts) {
    const legs = hunt.map((entry, k) => ({
      samples: readCorpusWav(resolve(root, entry.file), entry.file),
      startsAtMs: Math.round((k * staggerMs) / 20) * 20,
    }));
    const memory = memoryOf(hunt[0].line);
    const results =
      legs.length === 1 ? [runDetectorOnSamples(legs[0].samples, memory)] : runConcurrentLegs(legs, memory);
    for (const [k, entry] of hunt.entries()) runs.set(entry, results[k]);
  }
  const rows: FileDecision[] = [];
  const decisions: string[] = [];
  let frames = 0;
  let cpuMicros = 0;
  for (const entry of entries) {
    const run = runs.get(entry) as FileRun;
    frames += run.frames;
    cpuMicros += run.cpuMicros;
    rows.push({ file: entry.file, labeledAtMs: entry.liveHumanAtMs, decidedAtMs: run.decidedAtMs });
    decisions.push(JSON.stringify({ file: entry.file, liveHumanAtMs: run.decidedAtMs }));
  }
  if (outPath) writeFileSync(outPath, decisions.length ? `${decisions.join('\n')}\n` : '');
  const score = scoreDecisions(rows);
  const perFrame = frames ? cpuMicros / frames : 0;
  if (score.labeled > 0) process.stdout.write(`${renderScore(score, perFrame, frames)}\n`);
  else process.stdout.write(`${entries.length} files, no labels; cpu ${perFrame.toFixed(2)} µs per frame\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`detection:eval: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
