import type { AnsweredBy, CallStatus, NormalizedTelephonyEvent } from '@callfleet/contracts';
import { hashedEventId } from '../webhooks/event-id';
import { compactEvent, receivedAtIso } from '../webhooks/normalized-event';
import { isoFromZonelessTime } from '../webhooks/timestamps';
import { fieldText, optionalNumber, readWebhookFields, requiredField } from '../webhooks/webhook-fields';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';
import type { WebhookParseContext, WebhookRequest } from '../webhooks/webhook-request';

/** India Standard Time: Exotel's times carry no zone and its accounts are Indian by default. */
export const EXOTEL_DEFAULT_UTC_OFFSET = '+05:30';

const EXOTEL_STATUS: Readonly<Record<string, CallStatus>> = {
  queued: 'initiated',
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
  answered: 'answered',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no-answer',
  failed: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
};

/** Exotel's call state: the `answered` event says answered whatever `Status` holds; else `Status` decides. */
export function mapExotelStatus(eventType: string | undefined, status: string | undefined): CallStatus {
  if (eventType?.toLowerCase() === 'answered') return 'answered';
  const key = (status ?? '').toLowerCase();
  const mapped = Object.hasOwn(EXOTEL_STATUS, key) ? EXOTEL_STATUS[key] : undefined;
  if (!mapped) throw new WebhookPayloadError(`Unknown Exotel Status "${status ?? ''}"`);
  return mapped;
}

/** Legs[].AnsweredBy: "Human" / "Machine" (any case), "NA" when no detection ran. */
function answeredByOf(fields: Record<string, unknown>): AnsweredBy | undefined {
  const legs = fields.Legs;
  if (!Array.isArray(legs)) return undefined;
  for (const leg of legs) {
    const value = typeof leg?.AnsweredBy === 'string' ? leg.AnsweredBy.toLowerCase() : '';
    if (value === 'human') return 'human';
    if (value === 'machine') return 'machine_start';
  }
  return undefined;
}

function recordingUrlOf(fields: Record<string, unknown>): string | undefined {
  const value = fieldText(fields, 'RecordingUrl');
  if (!value || value === 'null') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Exotel status callbacks (form or JSON, per `StatusCallbackContentType`). Exotel gives no event
 * id, so ids are payload hashes; a terminal callback with a `RecordingUrl` also yields a recording event.
 */
export function parseExotelWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
  const fields = readWebhookFields(request, 'Exotel');
  const callId = requiredField(fields, 'CallSid', 'Exotel');
  const status = mapExotelStatus(fieldText(fields, 'EventType'), fieldText(fields, 'Status'));
  const occurredAt =
    isoFromZonelessTime(fieldText(fields, 'DateUpdated'), context.providerUtcOffset ?? EXOTEL_DEFAULT_UTC_OFFSET) ??
    receivedAtIso(context);
  const common = { provider: 'exotel' as const, accountKey: context.accountKey, callId, occurredAt, raw: fields };
  const events: NormalizedTelephonyEvent[] = [
    compactEvent({
      ...common,
      eventId: hashedEventId('exotel', context.accountKey, fields, 'call-status'),
      kind: 'call-status',
      status,
      answeredBy: answeredByOf(fields),
      from: fieldText(fields, 'From'),
      to: fieldText(fields, 'To'),
      durationSec: optionalNumber(fields, 'ConversationDuration'),
    }),
  ];
  const recordingUrl = recordingUrlOf(fields);
  if (recordingUrl && status !== 'answered') {
    events.push(
      compactEvent({
        ...common,
        eventId: hashedEventId('exotel', context.accountKey, { callId, recordingUrl }, 'recording'),
        kind: 'recording',
        recording: {
          // One recording per Exotel call: the call id names it.
          recordingId: callId,
          url: recordingUrl,
          durationSec: optionalNumber(fields, 'ConversationDuration'),
          status: 'completed',
        },
      }),
    );
  }
  return events;
}
