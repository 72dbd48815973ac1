import {
  MAX_MEDIA_PAYLOAD_BYTES,
  type MediaEncoding,
  type MediaFrameParse,
  type MediaFrameRejection,
} from './media-stream-frame';

// Field readers of the provider codecs (internal to libs/telephony).

/** Longest id, name or parameter value we keep from a frame. */
export const MAX_FRAME_TEXT_LENGTH = 256;
const MAX_CUSTOM_PARAMETERS = 32;
const DTMF_DIGIT = /^[0-9*#A-Da-d]$/;

export class FrameFieldError extends Error {
  constructor(
    readonly reason: MediaFrameRejection,
    detail: string,
  ) {
    super(detail);
  }
}

export function reject(reason: MediaFrameRejection, detail: string): never {
  throw new FrameFieldError(reason, detail);
}

/** Parses the frame's JSON and hands the object to `read`, turning every refusal into a value. */
export function parseFrame<E>(text: string, read: (frame: Record<string, unknown>) => E): MediaFrameParse<E> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed-json', detail: 'not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'not-an-event', detail: 'not a JSON object' };
  }
  if (typeof (value as { event?: unknown }).event !== 'string') {
    return { ok: false, reason: 'not-an-event', detail: 'no string "event"' };
  }
  try {
    return { ok: true, event: read(value as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof FrameFieldError) return { ok: false, reason: error.reason, detail: error.message };
    throw error;
  }
}

/** The first of `keys` present on `object` (Exotel spells fields both snake_case and camelCase). */
export function field(object: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) if (Object.hasOwn(object, key) && object[key] !== undefined) return object[key];
  return undefined;
}

export function objectField(object: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const value = field(object, ...keys);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    reject('bad-field', `"${keys[0]}" is not an object`);
  return value as Record<string, unknown>;
}

export function optionalObjectField(
  object: Record<string, unknown>,
  ...keys: string[]
): Record<string, unknown> | undefined {
  return field(object, ...keys) === undefined ? undefined : objectField(object, ...keys);
}

export function textField(object: Record<string, unknown>, ...keys: string[]): string {
  const value = field(object, ...keys);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_FRAME_TEXT_LENGTH) {
    reject('bad-field', `"${keys[0]}" is not a string of 1 to ${MAX_FRAME_TEXT_LENGTH} characters`);
  }
  return value;
}

export function optionalTextField(object: Record<string, unknown>, ...keys: string[]): string | undefined {
  return field(object, ...keys) === undefined ? undefined : textField(object, ...keys);
}

/** A non-negative integer sent as a number or a decimal string (Twilio sends `"20"`). */
export function optionalCount(object: Record<string, unknown>, ...keys: string[]): number | undefined {
  const value = field(object, ...keys);
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    reject('bad-field', `"${keys[0]}" is not a non-negative integer`);
  }
  return number;
}

/**
 * A number a frame sends as a JSON number or a decimal string (Exotel sends `"16000"`); anything else is
 * NaN. Never `Number(value)` on what a client sent: `Number([8000])` is 8000, and a deeply nested array
 * overflows the stack converting itself to a string (a RangeError, not a refused frame).
 */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)) return Number(value);
  return Number.NaN;
}

/**
 * A client's value as an error detail: strings cut short, other values by their type only (`String()`
 * or `JSON.stringify` of a deeply nested value overflows the stack).
 */
export function shown(value: unknown, max = 40): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, max));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

export function digitField(object: Record<string, unknown>): string {
  const digit = field(object, 'digit');
  if (typeof digit !== 'string' || !DTMF_DIGIT.test(digit)) reject('bad-field', '"digit" is not a DTMF digit');
  return digit.toUpperCase();
}

export function customParametersOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) reject('bad-field', 'custom parameters are not an object');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_CUSTOM_PARAMETERS)
    reject('bad-field', `more than ${MAX_CUSTOM_PARAMETERS} custom parameters`);
  const parameters: Record<string, string> = {};
  for (const [key, entry] of entries) {
    // A JWT is longer than an id: the stream token travels here (verified and length-checked later).
    if (typeof entry === 'string' && entry.length <= 8192 && key.length <= MAX_FRAME_TEXT_LENGTH) {
      parameters[key] = entry;
    } else if (typeof entry === 'number' || typeof entry === 'boolean') {
      parameters[key] = String(entry);
    } else {
      reject('bad-field', `custom parameter "${key.slice(0, 40)}" is not a short string`);
    }
  }
  return parameters;
}

/**
 * Strict base64 (canonical alphabet and padding, no whitespace): `Buffer.from(…, 'base64')` would
 * silently skip garbage and hand on a shorter payload. `bytesPerSample` refuses half samples.
 */
export function base64Payload(value: unknown, bytesPerSample: 1 | 2): Buffer {
  if (typeof value !== 'string') reject('bad-field', '"payload" is not a string');
  if (value.length === 0) reject('bad-payload-size', 'empty payload');
  if (value.length > Math.ceil(MAX_MEDIA_PAYLOAD_BYTES / 3) * 4) {
    reject('bad-payload-size', `payload over ${MAX_MEDIA_PAYLOAD_BYTES} bytes`);
  }
  const bytes = Buffer.from(value, 'base64');
  // Node's decoder skips what is not base64; only canonical base64 encodes back to the same text
  // (and this costs less than a regular expression over the payload).
  if (bytes.toString('base64') !== value) reject('bad-base64', 'payload is not base64');
  if (bytes.length % bytesPerSample !== 0)
    reject('bad-payload-size', `payload of ${bytes.length} bytes is not whole samples`);
  return bytes;
}

export function bytesPerSampleOf(encoding: MediaEncoding): 1 | 2 {
  return encoding === 'mulaw' ? 1 : 2;
}
