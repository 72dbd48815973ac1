import type { NormalizedTelephonyEvent } from '@callfleet/contracts';
import type { WebhookParseContext } from './webhook-request';

/** Receipt time of the request, the fallback for providers that give no time. */
export function receivedAtIso(context: WebhookParseContext): string {
  return (context.receivedAt ?? new Date()).toISOString();
}

/** Drops undefined fields, so the published JSON carries only what the provider told us. */
export function compactEvent(event: NormalizedTelephonyEvent): NormalizedTelephonyEvent {
  return Object.fromEntries(
    Object.entries(event).filter(([, value]) => value !== undefined),
  ) as unknown as NormalizedTelephonyEvent;
}
