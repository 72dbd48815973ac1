import { exceedsJsonDepth } from './json-depth';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { next: value };
  return value;
};

describe('exceedsJsonDepth', () => {
  it('accepts ordinary bodies and scalars', () => {
    expect(exceedsJsonDepth({ email: 'a@b.co', tags: ['x'], meta: { a: { b: 1 } } })).toBe(false);
    expect(exceedsJsonDepth('text')).toBe(false);
    expect(exceedsJsonDepth(null)).toBe(false);
  });

  it('draws the line exactly at the limit', () => {
    expect(exceedsJsonDepth(nested(8), 8)).toBe(false);
    expect(exceedsJsonDepth(nested(9), 8)).toBe(true);
  });

  it('handles nesting far deeper than the call stack allows, without recursing', () => {
    expect(exceedsJsonDepth(nested(200_000))).toBe(true);
  });
});
