import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, rmsDbfs } from '@callfleet/audio';
import {
  type BuiltSplit,
  buildCorpus,
  HUMAN_SCENARIOS,
  type ManifestEntry,
  NO_HUMAN_SCENARIOS,
  type TimelineSegment,
} from './corpus-builder';

const clipsDir = join(__dirname, '..', '..', 'corpus', 'clips');

interface Timeline {
  file: string;
  musicStyle: string;
  voice: string;
  segments: TimelineSegment[];
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

// Holds are scaled down to keep the slice quick; every scenario keeps its shape.
const slice = { clipsDir, holdScale: 0.25 };

describe('the corpus builder (a slice: one line per split)', () => {
  let out: string;
  let built: BuiltSplit[];

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'corpus-'));
    built = buildCorpus({ ...slice, outDir: out, splits: ['train', 'holdout'], lines: { train: 1, holdout: 1 } });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const entriesOf = (split: string) => readJsonl<ManifestEntry>(join(out, split, 'manifest.jsonl'));
  const timelinesOf = (split: string) => readJsonl<Timeline>(join(out, split, 'timelines.jsonl'));

  it('writes one manifest line per call, as the builder returned them, several calls per line', () => {
    for (const split of built) {
      expect(entriesOf(split.split)).toEqual(split.entries);
      const perLine = new Map<string, number>();
      for (const entry of split.entries) perLine.set(entry.line, (perLine.get(entry.line) ?? 0) + 1);
      expect(perLine.size).toBe(1);
      for (const calls of perLine.values()) expect(calls).toBeGreaterThanOrEqual(4);
    }
  });

  it('labels a live-human onset exactly on the calls that have a person, where the person starts', () => {
    for (const split of ['train', 'holdout']) {
      const timelines = timelinesOf(split);
      entriesOf(split).forEach((entry, i) => {
        const wav = decodeWav(readFileSync(join(out, split, entry.file)));
        expect({ file: entry.file, rate: wav.sampleRate, channels: wav.channels }).toEqual({
          file: entry.file,
          rate: 8000,
          channels: 1,
        });
        expect(['mulaw', 'pcm16']).toContain(wav.encoding);
        const durationMs = (wav.samples.length * 1000) / 8000;
        const agents = timelines[i].segments.filter((s) => s.kind === 'agent');
        if ((NO_HUMAN_SCENARIOS as readonly string[]).includes(entry.scenario)) {
          expect({ file: entry.file, label: entry.liveHumanAtMs, agents }).toEqual({
            file: entry.file,
            label: null,
            agents: [],
          });
          return;
        }
        expect((HUMAN_SCENARIOS as readonly string[]).includes(entry.scenario)).toBe(true);
        const onset = entry.liveHumanAtMs as number;
        // The person's first utterance starts at the label (within the clip's quiet first milliseconds)...
        expect(onset - agents[0].startMs).toBeGreaterThanOrEqual(0);
        expect(onset - agents[0].startMs).toBeLessThan(150);
        // ... is audible there, and the call goes on long enough for a decision.
        const at = (onset * 8000) / 1000;
        expect(rmsDbfs(wav.samples, at, at + 2400)).toBeGreaterThan(-45);
        expect(durationMs - onset).toBeGreaterThanOrEqual(6000);
      });
    }
  });

  it('plays a line the same recordings on every call, and never the same agent take twice', () => {
    for (const split of ['train', 'holdout']) {
      const entries = entriesOf(split);
      const timelines = timelinesOf(split);
      const byLine = new Map<string, { recordings: Map<string, Set<string>>; takes: string[] }>();
      entries.forEach((entry, i) => {
        const line = byLine.get(entry.line) ?? { recordings: new Map<string, Set<string>>(), takes: [] as string[] };
        byLine.set(entry.line, line);
        for (const segment of timelines[i].segments) {
          if (segment.kind === 'agent') continue;
          if (segment.clip) {
            const clips = line.recordings.get(segment.kind) ?? new Set<string>();
            clips.add(segment.clip);
            line.recordings.set(segment.kind, clips);
          }
        }
        const first = timelines[i].segments.find((s) => s.kind === 'agent');
        if (first?.clip) line.takes.push(first.clip);
      });
      for (const [, line] of byLine) {
        expect(line.recordings.get('menu')?.size ?? 1).toBe(1);
        expect(line.recordings.get('one-time')?.size ?? 1).toBe(1);
        expect(new Set(line.takes).size).toBe(line.takes.length);
      }
    }
  });

  it('holds out other voices and other music', () => {
    const train = timelinesOf('train');
    const holdout = timelinesOf('holdout');
    const voices = (timelines: Timeline[]) =>
      new Set(timelines.flatMap((t) => t.segments.flatMap((s) => (s.clip ? [s.clip.split('/')[0]] : []))));
    const styles = (timelines: Timeline[]) => new Set(timelines.map((t) => t.musicStyle));
    expect([...voices(train)].filter((v) => voices(holdout).has(v))).toEqual([]);
    expect([...styles(train)].filter((s) => styles(holdout).has(s))).toEqual([]);
  });

  it('builds the same corpus again from the same seed', () => {
    const again = mkdtempSync(join(tmpdir(), 'corpus-again-'));
    try {
      const [train] = buildCorpus({ ...slice, outDir: again, splits: ['train'], lines: { train: 1 } });
      const first = train.entries[0].file;
      expect(train.entries).toEqual(entriesOf('train'));
      expect(readFileSync(join(again, 'train', first)).equals(readFileSync(join(out, 'train', first)))).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('says which clip is missing when the clips are not there', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-clips-'));
    try {
      expect(() => buildCorpus({ clipsDir: empty, outDir: empty, splits: ['train'], lines: { train: 1 } })).toThrow(
        /corpus clip en-us\+m3\/.*npm run corpus:clips/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
