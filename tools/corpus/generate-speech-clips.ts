import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clipPath, phrasesOf, VOICES } from './phrases';

/**
 * Renders every phrase of tools/corpus/phrases.ts with espeak-ng, per voice, into
 * corpus/clips/<voice>/<phrase-id>.wav: 8 kHz mono μ-law (format 7, half the size of PCM16 and how
 * IVR prompts are stored), leading and trailing silence trimmed, peak-normalised to -3 dBFS. Needs
 * espeak-ng and sox on PATH; run by hand (`npm run corpus:clips`) after changing the phrases, and
 * commit the clips: CI has neither tool.
 */
function main(): void {
  for (const tool of ['espeak-ng', 'sox']) {
    if (spawnSync(tool, ['--version']).status !== 0) {
      process.stderr.write(`corpus:clips needs ${tool} on PATH (apt-get install espeak-ng sox)\n`);
      process.exitCode = 1;
      return;
    }
  }
  const out = resolve(process.argv[2] ?? 'corpus/clips');
  const scratch = mkdtempSync(join(tmpdir(), 'clips-'));
  const index: Array<{ voice: string; id: string; kind: string; text: string; file: string }> = [];
  try {
    for (const voice of VOICES) {
      for (const phrase of phrasesOf(voice)) {
        const file = clipPath(voice, phrase);
        const raw = join(scratch, 'speech.wav');
        execFileSync('espeak-ng', [
          '-v',
          voice.espeak,
          '-s',
          String(voice.wordsPerMinute),
          '-p',
          String(voice.pitch),
          '-w',
          raw,
          phrase.text,
        ]);
        mkdirSync(dirname(join(out, file)), { recursive: true });
        // silence 1 0.02 0.3%: drop everything before the first 20 ms above 0.3 % of full scale; reversed, the same at the end.
        // -D: no dither, so that the same phrases render to the same bytes on every run.
        execFileSync('sox', [
          '-D',
          raw,
          '-r',
          '8000',
          '-c',
          '1',
          '-e',
          'u-law',
          join(out, file),
          'silence',
          '1',
          '0.02',
          '0.3%',
          'reverse',
          'silence',
          '1',
          '0.02',
          '0.3%',
          'reverse',
          'gain',
          '-n',
          '-3',
        ]);
        index.push({ voice: voice.espeak, id: phrase.id, kind: phrase.kind, text: phrase.text, file });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(join(out, 'clips.json'), `${JSON.stringify(index, null, 2)}\n`);
  process.stdout.write(`${index.length} clips in ${out}\n`);
}

main();
