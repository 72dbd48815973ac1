import { findUnstorableText } from './unstorable-text';

describe('findUnstorableText', () => {
  it('passes values whose strings can all be stored', () => {
    expect(findUnstorableText({ name: 'Zoë 🎉', tags: ['a', 'b'], meta: { n: 1, ok: true, none: null } })).toBe(
      undefined,
    );
    expect(findUnstorableText('plain')).toBe(undefined);
    expect(findUnstorableText(undefined)).toBe(undefined);
    expect(findUnstorableText(Buffer.from([0, 0xd8]))).toBe(undefined);
  });

  it('names the field holding a NUL or a lone surrogate, at any depth', () => {
    expect(findUnstorableText({ email: 'a@example.com', name: 'Ada\u0000' })).toBe('name');
    expect(findUnstorableText({ items: [{ name: 'ok' }, { name: '\ud800' }] })).toBe('items.1.name');
    expect(findUnstorableText('\udfff')).toBe('');
  });

  it('looks at keys too', () => {
    expect(findUnstorableText({ meta: { 'k\u0000': 'v' } })).toBe('meta.k\u0000');
  });
});
