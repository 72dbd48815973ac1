import type { AudioClass } from '@callfleet/contracts';
import { AudioClassifier } from './audio-classifier';
import { FrameAnalyzer } from './frame-features';
import { concat, frames, melody, silence, sine, syllables } from './test-signals';

function classes(samples: Int16Array): { kind: AudioClass; atMs: number }[] {
  const analyzer = new FrameAnalyzer();
  const classifier = new AudioClassifier();
  const changes: { kind: AudioClass; atMs: number }[] = [];
  for (const frame of frames(samples)) {
    const state = classifier.push(analyzer.analyze(frame));
    if (state.changed) changes.push({ kind: state.kind, atMs: state.sinceFrame * 20 });
  }
  return changes;
}

describe('AudioClassifier', () => {
  it('hears speech-like syllables as speech, and silence after them as silence', () => {
    const changes = classes(concat(silence(500), syllables(1, 3000), silence(1000)));
    expect(changes.map((c) => c.kind)).toEqual(['speech', 'silence']);
    expect(changes[0].atMs).toBeGreaterThanOrEqual(440);
    expect(changes[0].atMs).toBeLessThanOrEqual(600);
  });

  it('hears a looped melody as music (only its first note can pass for a tone)', () => {
    const changes = classes(concat(silence(300), melody(6000)));
    expect(changes[changes.length - 1].kind).toBe('music');
    expect(changes.filter((c) => c.kind === 'tone' && c.atMs > 1000)).toHaveLength(0);
  });

  it('hears a lone beep after quiet as a tone', () => {
    const changes = classes(concat(silence(500), sine(1000, 400), silence(800)));
    expect(changes.map((c) => c.kind)).toEqual(['tone', 'silence']);
  });

  it('holds its class through the short pauses inside speech (hysteresis)', () => {
    const changes = classes(concat(syllables(2, 1500), silence(200), syllables(3, 1500)));
    expect(changes.map((c) => c.kind)).toEqual(['speech']);
  });
});
