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

/**
 * Event id for providers that give none: a SHA-256 of the canonical payload. The account is part
 * of the hash, so two accounts' identical payloads stay two events; `discriminator` separates
 * several events derived from one payload (a call status and its recording).
 */
export function hashedEventId(
  provider: TelephonyProvider,
  accountKey: string,
  payload: unknown,
  discriminator = '',
): string {
  const digest = createHash('sha256').update(canonicalJson({ accountKey, discriminator, payload })).digest('hex');
  return `${provider}:sha256:${digest}`;
}
