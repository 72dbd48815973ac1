import { resolve } from 'node:path';
import { buildCorpus } from './corpus-builder';
import type { Split } from './phrases';

const USAGE = 'usage: npm run corpus:build -- [--out corpus/build] [--split train|holdout|all] [--seed N] [--lines N]';

/** `npm run corpus:build`: writes <out>/<split>/manifest.jsonl and its WAV calls (see corpus/README.md). */
function main(): void {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    if (!['--out', '--split', '--seed', '--lines'].includes(args[i]) || args[i + 1] === undefined) {
      throw new Error(`unexpected argument ${args[i]}: ${USAGE}`);
    }
  }
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const split = value('--split') ?? 'all';
  if (!['train', 'holdout', 'all'].includes(split)) throw new Error(`--split ${split}: ${USAGE}`);
  const splits: Split[] = split === 'all' ? ['train', 'holdout'] : [split as Split];
  const lines = value('--lines') ? Number(value('--lines')) : undefined;
  if (lines !== undefined && !(lines > 0)) throw new Error(`--lines must be a positive number: ${USAGE}`);
  const seed = value('--seed') === undefined ? undefined : Number(value('--seed'));
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer: ${USAGE}`);
  const started = performance.now();
  const built = buildCorpus({
    clipsDir: resolve('corpus/clips'),
    outDir: resolve(value('--out') ?? 'corpus/build'),
    splits,
    seed,
    lines: lines === undefined ? undefined : { train: lines, holdout: lines },
  });
  for (const { split: name, manifest, entries } of built) {
    const humans = entries.filter((e) => e.liveHumanAtMs !== null).length;
    process.stdout.write(
      `${name}: ${entries.length} calls on ${new Set(entries.map((e) => e.line)).size} lines, ${humans} with a live human -> ${manifest}\n`,
    );
    const byScenario = new Map<string, number>();
    for (const entry of entries) byScenario.set(entry.scenario, (byScenario.get(entry.scenario) ?? 0) + 1);
    process.stdout.write(`  ${[...byScenario].map(([scenario, n]) => `${scenario} ${n}`).join(', ')}\n`);
  }
  process.stdout.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

try {
  main();
} catch (error) {
  // A bad argument or a missing clip: the message says what to do, a stack trace would not.
  process.stderr.write(`corpus:build: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
