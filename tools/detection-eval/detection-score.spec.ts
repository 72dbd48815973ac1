import { scoreDecisions } from './detection-score';
import { ManifestError, parseManifest } from './eval-manifest';

describe('scoreDecisions', () => {
  it('applies the issue’s rule: early or human-less decisions are false alarms, none within 10 s a miss', () => {
    const score = scoreDecisions([
      { file: 'a', labeledAtMs: 1000, decidedAtMs: 2000 },
      { file: 'b', labeledAtMs: 1000, decidedAtMs: 3500 },
      { file: 'c', labeledAtMs: 5000, decidedAtMs: 4000 },
      { file: 'd', labeledAtMs: null, decidedAtMs: 100 },
      { file: 'e', labeledAtMs: null, decidedAtMs: null },
      { file: 'f', labeledAtMs: 1000, decidedAtMs: 11_001 },
      { file: 'g', labeledAtMs: 1000, decidedAtMs: null },
      { file: 'h', decidedAtMs: 5 },
    ]);
    expect(score.labeled).toBe(7);
    expect(score.humans).toBe(5);
    expect(score.truePositives).toBe(2);
    expect(score.falseAlarms.map((f) => f.file)).toEqual(['c', 'd']);
    expect(score.misses.map((m) => m.file)).toEqual(['c', 'f', 'g']);
    expect(score.precision).toBe(0.5);
    expect(score.recall).toBe(0.4);
    expect(score.latencyMs).toEqual({ p50: 1000, p95: 2500, max: 2500 });
  });

  it('is perfect on nothing to find and nothing decided', () => {
    const score = scoreDecisions([{ file: 'a', labeledAtMs: null, decidedAtMs: null }]);
    expect([score.precision, score.recall, score.latencyMs]).toEqual([1, 1, null]);
  });
});

describe('parseManifest', () => {
  it('reads files, lines and labels and skips blank lines', () => {
    expect(
      parseManifest('{"file":"a.wav","line":"x","liveHumanAtMs":1200}\n\n{"file":"b.wav","liveHumanAtMs":null}\n'),
    ).toEqual([
      { file: 'a.wav', line: 'x', liveHumanAtMs: 1200 },
      { file: 'b.wav', line: undefined, liveHumanAtMs: null },
    ]);
  });

  it('names the line of a malformed entry', () => {
    expect(() => parseManifest('{"file":"a.wav"}\nnope', 'm.jsonl')).toThrow(new ManifestError('m.jsonl:2: not JSON'));
    expect(() => parseManifest('{"file":""}')).toThrow(ManifestError);
    expect(() => parseManifest('{"file":"a","liveHumanAtMs":"1"}')).toThrow(ManifestError);
  });
});
