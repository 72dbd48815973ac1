import type { NormalizedTelephonyEvent } from '@callfleet/contracts';
import { providerEventId } from '../webhooks/event-id';
import { compactEvent, receivedAtIso } from '../webhooks/normalized-event';
import { isoFromDate, isoFromUnixSeconds } from '../webhooks/timestamps';
import { readWebhookFields } from '../webhooks/webhook-fields';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';
import { headerValue, type WebhookParseContext, type WebhookRequest } from '../webhooks/webhook-request';

/** A call id where the sender puts one in `data` (any of the usual spellings). */
function callIdOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  for (const key of ['callId', 'call_id', 'callSid', 'CallSid']) {
    const value = (data as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
  }
  return undefined;
}

/**
 * Standard Webhooks deliveries (`{"type", "timestamp", "data"}`) pass through as `generic` events
 * with their `type`; `webhook-id` is the sender's idempotency key, so it (within the account) is the event id.
 */
export function parseGenericWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
  const payload = readWebhookFields(request, 'Standard Webhooks', ['json']);
  const webhookId = headerValue(request.headers, 'webhook-id');
  if (!webhookId || webhookId.length > 200)
    throw new WebhookPayloadError('Standard Webhooks delivery without webhook-id');
  const type = payload.type;
  if (typeof type !== 'string' || type.length === 0 || type.length > 200) {
    throw new WebhookPayloadError('Standard Webhooks payload needs a string "type"');
  }
  return [
    compactEvent({
      eventId: providerEventId('generic', context.accountKey, webhookId),
      provider: 'generic',
      accountKey: context.accountKey,
      kind: 'generic',
      type,
      callId: callIdOf(payload.data),
      occurredAt:
        isoFromDate(typeof payload.timestamp === 'string' ? payload.timestamp : undefined) ??
        isoFromUnixSeconds(headerValue(request.headers, 'webhook-timestamp')) ??
        receivedAtIso(context),
      raw: payload,
    }),
  ];
}
