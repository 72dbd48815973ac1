import { resolve } from 'node:path';
import { buildCorpus } from './corpus-builder';
import type { Split } from './phrases';

const USAGE = 'usage: npm run corpus:build -- [--out corpus/build] [--split train|holdout|all] [--seed N] [--lines N]';

/** `npm run corpus:build`: writes <out>/<split>/manifest.jsonl and its WAV calls (see corpus/README.md). */
function main(): void {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const split = value('--split') ?? 'all';
  if (!['train', 'holdout', 'all'].includes(split)) throw new Error(`--split ${split}: ${USAGE}`);
  const splits: Split[] = split === 'all' ? ['train', 'holdout'] : [split as Split];
  const lines = value('--lines') ? Number(value('--lines')) : undefined;
  if (lines !== undefined && !(lines > 0)) throw new Error(`--lines must be a positive number: ${USAGE}`);
  const started = performance.now();
  const built = buildCorpus({
    clipsDir: resolve('corpus/clips'),
    outDir: resolve(value('--out') ?? 'corpus/build'),
    splits,
    seed: value('--seed') ? Number(value('--seed')) : undefined,
    lines: lines === undefined ? undefined : { train: lines, holdout: lines },
  });
  for (const { split: name, manifest, entries } of built) {
    const humans = entries.filter((e) => e.liveHumanAtMs !== null).length;
    process.stdout.write(
      `${name}: ${entries.length} calls on ${new Set(entries.map((e) => e.line)).size} lines, ${humans} with a live human -> ${manifest}\n`,
    );
  }
  process.stdout.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

main();
