import { isStorableText, toStorableText } from './storable-text';

describe('storable text', () => {
  it('takes ordinary text, emoji (surrogate pairs) and other control characters', () => {
    for (const text of ['', 'Ada Lovelace', 'Zoë 🎉 ☎', 'tab\there', '\u007f', '\uFFFD']) {
      expect(isStorableText(text)).toBe(true);
      expect(toStorableText(text)).toBe(text);
    }
  });

  it('refuses a NUL and lone surrogates anywhere, and replaces each of them', () => {
    for (const text of ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\ud83d', 'a\ude00b', '\ude00\ud83d']) {
      expect(isStorableText(text)).toBe(false);
      expect(isStorableText(toStorableText(text))).toBe(true);
    }
    expect(toStorableText('a\u0000b\ud800c🎉')).toBe('a\uFFFDb\uFFFDc🎉');
  });
});
