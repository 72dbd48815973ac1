import { type AssembledItem, FrameAssembler } from './frame-assembler';

const ramp = (from: number, length: number) => Int16Array.from({ length }, (_, i) => from + i);
const frames = (items: AssembledItem[]) => items.filter((i) => i.kind === 'frame');

describe('FrameAssembler', () => {
  it('passes 160-sample chunks through as frames 20 ms apart, numbered from 1', () => {
    const assembler = new FrameAssembler();
    const out = [...assembler.push(ramp(0, 160), 0), ...assembler.push(ramp(160, 160), 20)];
    expect(out.map((i) => (i.kind === 'frame' ? [i.atMs, i.sequence, i.pcm[0], i.pcm.length] : i))).toEqual([
      [0, 1, 0, 160],
      [20, 2, 160, 160],
    ]);
    expect(assembler.atMs).toBe(40);
  });

  it('splits a large chunk and joins small ones into whole frames, keeping every sample in order', () => {
    const assembler = new FrameAssembler();
    const out = [...assembler.push(ramp(0, 800)), ...assembler.push(ramp(800, 100)), ...assembler.push(ramp(900, 60))];
    const got = frames(out);
    expect(got.map((f) => f.atMs)).toEqual([0, 20, 40, 60, 80, 100]);
    const all = Int16Array.from(got.flatMap((f) => (f.kind === 'frame' ? [...f.pcm] : [])));
    expect(all).toEqual(ramp(0, 960));
  });

  it('holds a partial frame until the rest arrives', () => {
    const assembler = new FrameAssembler();
    expect(assembler.push(ramp(0, 100))).toEqual([]);
    expect(assembler.atMs).toBe(12.5);
    expect(frames(assembler.push(ramp(100, 60)))).toHaveLength(1);
  });

  it('reports frames missing where the timestamps jump, and counts them in audio time', () => {
    const assembler = new FrameAssembler();
    assembler.push(ramp(0, 160), 0);
    assembler.push(ramp(0, 160), 20);
    const out = assembler.push(ramp(0, 160), 100);
    expect(out).toEqual([
      { kind: 'gap', frames: 3, atMs: 40 },
      { kind: 'frame', pcm: expect.any(Int16Array), atMs: 100, sequence: 6 },
    ]);
  });

  it('tolerates a millisecond of jitter and repeated or early timestamps', () => {
    const assembler = new FrameAssembler();
    const out = [
      ...assembler.push(ramp(0, 160), 0),
      ...assembler.push(ramp(0, 160), 21),
      ...assembler.push(ramp(0, 160), 39),
      ...assembler.push(ramp(0, 160), 39),
      ...assembler.push(ramp(0, 160), 10),
    ];
    expect(out.every((i) => i.kind === 'frame')).toBe(true);
    expect(frames(out).map((f) => f.atMs)).toEqual([0, 20, 40, 60, 80]);
  });

  it('finishes a partial frame with silence before a gap', () => {
    const assembler = new FrameAssembler();
    assembler.push(ramp(1, 100), 0);
    const out = assembler.push(ramp(0, 160), 60);
    expect(out[0]).toMatchObject({ kind: 'frame', atMs: 0 });
    const padded = out[0].kind === 'frame' ? out[0].pcm : new Int16Array();
    expect(padded.subarray(100).every((s) => s === 0)).toBe(true);
    expect(out[1]).toEqual({ kind: 'gap', frames: 2, atMs: 20 });
    expect(out[2]).toMatchObject({ kind: 'frame', atMs: 60 });
  });

  it('ignores a timestamp minutes ahead (a broken clock, not a loss)', () => {
    const assembler = new FrameAssembler();
    assembler.push(ramp(0, 160), 0);
    expect(assembler.push(ramp(0, 160), 86_400_000)).toEqual([expect.objectContaining({ kind: 'frame', atMs: 20 })]);
  });
});
