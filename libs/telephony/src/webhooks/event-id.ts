import { createHash } from 'node:crypto';
import type { TelephonyProvider } from '@callfleet/contracts';

/**
 * JSON with object keys sorted at every depth, so the same payload always gives the same text
 * whatever order the provider (or a retry of it) serialized its fields in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Longest event id used as it is: it travels as a NATS header and is a primary key. */
export const MAX_EVENT_ID_LENGTH = 256;
/** Printable ASCII: what a NATS header value carries as is (no CR/LF, nothing to encode). */
const HEADER_SAFE = /^[\x20-\x7e]+$/;

/**
 * Every event id is `<provider>:<accountKey>:<parts…>`. It is the dedupe key (processed events,
 * `Nats-Msg-Id`), and a provider's ids are unique only within the provider's account (a Standard
 * Webhooks sender even picks its own), so without our account key one tenant's event would be taken
 * for a repeat of another's and dropped.
 *
 * Parts come from the sender. Should they make the id too long or unfit for a header (a 100,000
 * character id, a CR/LF), the id is their hash instead: still the same for every repeat, and the
 * publish cannot fail on it (a failure there answers 503, and the provider retries for ever).
 */
export function providerEventId(
  provider: TelephonyProvider,
  accountKey: string,
  ...parts: readonly (string | number)[]
): string {
  const id = [provider, accountKey, ...parts].join(':');
  if (id.length <= MAX_EVENT_ID_LENGTH && HEADER_SAFE.test(id)) return id;
  return hashedEventId(provider, accountKey, parts.map(String), 'provider-id');
}

/**
 * Event id for providers that give none: a SHA-256 of the canonical payload (account included, as
 * in every id); `discriminator` separates several events derived from one payload (a call status
 * and its recording).
 */
export function hashedEventId(
  provider: TelephonyProvider,
  accountKey: string,
  payload: unknown,
  discriminator = '',
): string {
  const digest = createHash('sha256').update(canonicalJson({ accountKey, discriminator, payload })).digest('hex');
  return providerEventId(provider, accountKey, 'sha256', digest);
}
