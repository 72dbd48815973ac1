import { createHash } from 'node:crypto';

/**
 * The `media-line-memory` key of a dialed line in an org: `<orgId>.<hash>`. The line (a target's id,
 * a phone number) is hashed: it may hold characters a KV key may not, and a number is personal data
 * that has no business in a key listing.
 */
export function lineMemoryKey(orgId: string, line: string): string {
  return `${orgId}.${createHash('sha256').update(line).digest('hex').slice(0, 32)}`;
}
