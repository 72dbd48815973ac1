import type { ProviderLine } from '@callfleet/telephony';

/** What a sync knows of a line already stored for the account. */
export interface KnownLine {
  id: string;
  providerLineId: string;
  number: string;
  label: string;
  removed: boolean;
}

/** The changes that bring the stored lines in step with what the provider lists now. */
export interface LineSyncPlan {
  add: ProviderLine[];
  /** Known lines whose number or label changed, or that are listed again after being removed. */
  update: (ProviderLine & { id: string })[];
  /** Ids of stored lines the provider no longer lists (marked removed, never deleted). */
  remove: string[];
}

/**
 * Compares the provider's whole list (every page) with the stored lines. A line listed twice (a
 * provider's page shifting under the reader) counts once; a line already removed stays removed
 * without being counted again.
 */
export function planLineSync(known: readonly KnownLine[], listed: readonly ProviderLine[]): LineSyncPlan {
  const byProviderId = new Map(known.map((line) => [line.providerLineId, line]));
  const seen = new Set<string>();
  const plan: LineSyncPlan = { add: [], update: [], remove: [] };
  for (const line of listed) {
    if (seen.has(line.providerLineId)) continue;
    seen.add(line.providerLineId);
    const stored = byProviderId.get(line.providerLineId);
    if (!stored) plan.add.push(line);
    else if (stored.removed || stored.number !== line.number || stored.label !== line.label) {
      plan.update.push({ ...line, id: stored.id });
    }
  }
  for (const stored of known) {
    if (!stored.removed && !seen.has(stored.providerLineId)) plan.remove.push(stored.id);
  }
  return plan;
}
