import { fingerprint } from '../../test/fake-media-session';
import { parseSegments, SharedLineMemory } from './shared-line-memory';

describe('SharedLineMemory', () => {
  it('matches audio it remembered, however far into another call it is heard, and not other audio', () => {
    const memory = new SharedLineMemory();
    memory.remember(fingerprint(3_000, 1));
    expect(memory.match(fingerprint(42_000, 1))).toMatchObject({ of: 3_000 });
    expect(memory.match(fingerprint(42_000, 1))?.similarity).toBeGreaterThan(0.9);
    expect(memory.match(fingerprint(3_000, 2))).toBeNull();
  });

  it('tells its owner when it learned something, and not when it merged another copy', () => {
    const memory = new SharedLineMemory();
    let changes = 0;
    memory.onChange(() => changes++);
    memory.remember(fingerprint(0, 1));
    memory.remember({ atMs: 10, kind: 'speech', hashes: new Uint32Array() });
    expect(changes).toBe(1);
    const other = new SharedLineMemory();
    other.remember(fingerprint(500, 2));
    memory.merge(JSON.parse(JSON.stringify(other.toJSON())));
    expect(changes).toBe(1);
  });

  it('shares what a session hears now with the line’s other sessions, without writing it', () => {
    const memory = new SharedLineMemory();
    let changes = 0;
    memory.onChange(() => changes++);
    const legA = {};
    memory.hearing(legA, fingerprint(1_000, 3));
    expect(memory.match(fingerprint(8_000, 3), { hearer: {} })).toMatchObject({ of: 1_000, heardNow: true });
    expect(memory.match(fingerprint(8_000, 3), { hearer: legA })).toBeNull();
    expect(changes).toBe(0);
    expect(memory.toJSON().segments).toEqual([]);
  });

  it('merges another replica’s copy as a union of sightings', () => {
    const a = new SharedLineMemory();
    a.remember(fingerprint(100, 1));
    a.remember(fingerprint(200, 2));
    const b = new SharedLineMemory();
    b.remember(fingerprint(300, 3));
    b.remember(fingerprint(100, 1));
    const stored = JSON.parse(JSON.stringify(a.toJSON()));
    expect(b.merge(stored)).toBe(1);
    expect(b.merge(stored)).toBe(0);
    expect(b.size).toBe(3);
    expect(b.match(fingerprint(0, 2))).toMatchObject({ of: 200 });
  });
});

describe('SharedLineMemory: the hold heard on the line', () => {
  it('keeps the longest hold any leg heard, tells its owner when it grew, and merges as the longer', () => {
    const memory = new SharedLineMemory();
    let changes = 0;
    memory.onChange(() => changes++);
    memory.heardHold(20_000);
    memory.heardHold(15_000);
    expect(memory.heardHoldMs).toBe(20_000);
    expect(changes).toBe(1);
    const other = new SharedLineMemory();
    other.heardHold(45_000);
    memory.merge(JSON.parse(JSON.stringify(other.toJSON())));
    expect(memory.heardHoldMs).toBe(45_000);
    memory.merge({ version: 1, segments: [], heardHoldMs: 'long' });
    memory.merge({ version: 1, segments: [], heardHoldMs: 5_000 });
    expect(memory.heardHoldMs).toBe(45_000);
    expect(changes).toBe(1);
  });
});

describe('parseSegments', () => {
  it('skips what is not a segment instead of failing the call', () => {
    const good = new SharedLineMemory();
    good.remember(fingerprint(100, 1));
    const [valid] = good.toJSON().segments;
    expect(parseSegments(null)).toEqual([]);
    expect(parseSegments({ version: 2, segments: [valid] })).toEqual([]);
    expect(
      parseSegments({
        version: 1,
        segments: [
          valid,
          { ...valid, kind: 'shouting' },
          { ...valid, atMs: -1 },
          { ...valid, hashes: 'AAA' },
          'nonsense',
          null,
        ],
      }),
    ).toEqual([valid]);
  });
});
