/**
 * A NUL (PostgreSQL's text types refuse 0x00) or a UTF-16 surrogate without its partner (it has no
 * UTF-8 encoding: the driver cannot send it, `encodeURI` throws on it). Neither can be stored.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** True when PostgreSQL can store `text` as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** `text` with every character PostgreSQL cannot store replaced by U+FFFD, for logs of what arrived. */
export function toStorableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, '\uFFFD');
}
