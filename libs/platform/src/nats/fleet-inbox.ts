/**
 * The inbox prefix of a fleet service's connection, `_INBOX.<user>`. Its broker user may subscribe
 * only under it, so no client reads the replies (token pairs, data) another one receives.
 */
export function fleetInboxPrefix(user: string): string {
  return `_INBOX.${user}`;
}
