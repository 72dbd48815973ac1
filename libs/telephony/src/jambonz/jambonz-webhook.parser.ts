import type { AnsweredBy, CallStatus, NormalizedTelephonyEvent } from '@callfleet/contracts';
import { hashedEventId } from '../webhooks/event-id';
import { compactEvent, receivedAtIso } from '../webhooks/normalized-event';
import { fieldText, optionalNumber, readWebhookFields, requiredField } from '../webhooks/webhook-fields';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';
import type { WebhookParseContext, WebhookRequest } from '../webhooks/webhook-request';

const JAMBONZ_CALL_STATUS: Readonly<Record<string, CallStatus>> = {
  queued: 'initiated',
  trying: 'initiated',
  ringing: 'ringing',
  'early-media': 'ringing',
  'in-progress': 'answered',
  completed: 'completed',
  failed: 'failed',
  busy: 'busy',
  'no-answer': 'no-answer',
};

export function mapJambonzCallStatus(callStatus: string): CallStatus {
  const status = Object.hasOwn(JAMBONZ_CALL_STATUS, callStatus) ? JAMBONZ_CALL_STATUS[callStatus] : undefined;
  if (!status) throw new WebhookPayloadError(`Unknown jambonz call_status "${callStatus}"`);
  return status;
}

const JAMBONZ_AMD: Readonly<Record<string, AnsweredBy>> = {
  amd_human_detected: 'human',
  amd_machine_detected: 'machine_start',
  amd_machine_stopped_speaking: 'machine_end_other',
  amd_tone_detected: 'machine_end_beep',
  amd_no_speech_detected: 'unknown',
  amd_decision_timeout: 'unknown',
};

/** Jambonz AMD event types in Twilio's answeredBy vocabulary (a beep ends the greeting). */
export function mapJambonzAmdType(type: string): AnsweredBy {
  return Object.hasOwn(JAMBONZ_AMD, type) ? JAMBONZ_AMD[type] : 'unknown';
}

/** Jambonz call status webhooks and AMD action hooks (`type: amd_*`). Neither has an id: payload hashes. */
export function parseJambonzWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
  const fields = readWebhookFields(request, 'Jambonz', ['json']);
  const callId = requiredField(fields, 'call_sid', 'Jambonz');
  const common = {
    provider: 'jambonz' as const,
    accountKey: context.accountKey,
    callId,
    from: fieldText(fields, 'from'),
    to: fieldText(fields, 'to'),
    occurredAt: receivedAtIso(context),
    raw: fields,
  };
  const type = fieldText(fields, 'type');
  if (type?.startsWith('amd_')) {
    return [
      compactEvent({
        ...common,
        eventId: hashedEventId('jambonz', context.accountKey, fields),
        kind: 'amd',
        status: 'answered',
        answeredBy: mapJambonzAmdType(type),
      }),
    ];
  }
  return [
    compactEvent({
      ...common,
      eventId: hashedEventId('jambonz', context.accountKey, fields),
      kind: 'call-status',
      status: mapJambonzCallStatus(requiredField(fields, 'call_status', 'Jambonz')),
      durationSec: optionalNumber(fields, 'duration'),
    }),
  ];
}
