import {
  ANSWERED_BY,
  type AnsweredBy,
  type CallStatus,
  type NormalizedTelephonyEvent,
  RECORDING_STATUSES,
  type RecordingStatus,
} from '@callfleet/contracts';
import { providerEventId } from '../webhooks/event-id';
import { compactEvent, receivedAtIso } from '../webhooks/normalized-event';
import { isoFromDate } from '../webhooks/timestamps';
import { fieldText, optionalNumber, readWebhookFields, requiredField } from '../webhooks/webhook-fields';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';
import type { WebhookParseContext, WebhookRequest } from '../webhooks/webhook-request';
import { assertTwilioFields } from './twilio-fields';

const TWILIO_CALL_STATUS: Readonly<Record<string, CallStatus>> = {
  queued: 'initiated',
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no-answer',
  failed: 'failed',
  canceled: 'canceled',
};

/** Twilio's CallStatus in our vocabulary; throws on a value Twilio does not document. */
export function mapTwilioCallStatus(callStatus: string): CallStatus {
  const status = Object.hasOwn(TWILIO_CALL_STATUS, callStatus) ? TWILIO_CALL_STATUS[callStatus] : undefined;
  if (!status) throw new WebhookPayloadError(`Unknown Twilio CallStatus "${callStatus}"`);
  return status;
}

/** Our answeredBy set is Twilio's; anything new from Twilio reads as unknown rather than failing the webhook. */
export function mapTwilioAnsweredBy(answeredBy: string | undefined): AnsweredBy | undefined {
  if (!answeredBy) return undefined;
  return (ANSWERED_BY as readonly string[]).includes(answeredBy) ? (answeredBy as AnsweredBy) : 'unknown';
}

function recordingStatus(value: string): RecordingStatus {
  if (!(RECORDING_STATUSES as readonly string[]).includes(value)) {
    throw new WebhookPayloadError(`Unknown Twilio RecordingStatus "${value}"`);
  }
  return value as RecordingStatus;
}

function httpUrl(value: string, field: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value;
  } catch {
    // fall through
  }
  throw new WebhookPayloadError(`Twilio ${field} is not an http(s) URL`);
}

/**
 * Twilio's status callbacks, async AMD callbacks and recording status callbacks, told apart by
 * their fields (each goes to its own URL, but the body says what it is). Every documented field is
 * held to its documented form first (see assertTwilioFields), and each event is keyed on Twilio's
 * own ids, never on a hash of the body: a delivery re-split at other boundaries (it still verifies)
 * is either refused or the same event again.
 * - call status: CallSid + CallStatus (a call reaches each status once; SequenceNumber is left out,
 *   so a re-split that swallows it still names the same event);
 * - recording: RecordingSid + RecordingStatus;
 * - async AMD: CallSid (Twilio posts it once per call).
 */
export function parseTwilioWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[] {
  const fields = readWebhookFields(request, 'Twilio');
  assertTwilioFields(fields);
  const callId = requiredField(fields, 'CallSid', 'Twilio');
  const common = {
    provider: 'twilio' as const,
    accountKey: context.accountKey,
    callId,
    raw: fields,
  };

  const recordingSid = fieldText(fields, 'RecordingSid');
  if (recordingSid) {
    const status = recordingStatus(requiredField(fields, 'RecordingStatus', 'Twilio'));
    return [
      compactEvent({
        ...common,
        eventId: providerEventId('twilio', context.accountKey, recordingSid, status),
        kind: 'recording',
        recording: {
          recordingId: recordingSid,
          url: httpUrl(requiredField(fields, 'RecordingUrl', 'Twilio'), 'RecordingUrl'),
          durationSec: optionalNumber(fields, 'RecordingDuration'),
          status,
          channels: optionalNumber(fields, 'RecordingChannels'),
        },
        occurredAt: isoFromDate(fieldText(fields, 'Timestamp')) ?? receivedAtIso(context),
      }),
    ];
  }

  const callStatus = fieldText(fields, 'CallStatus');
  if (callStatus) {
    const sequenceText = fieldText(fields, 'SequenceNumber');
    const sequence = sequenceText ? Number(sequenceText) : undefined;
    return [
      compactEvent({
        ...common,
        eventId: providerEventId('twilio', context.accountKey, callId, callStatus),
        kind: 'call-status',
        status: mapTwilioCallStatus(callStatus),
        answeredBy: mapTwilioAnsweredBy(fieldText(fields, 'AnsweredBy')),
        sequence,
        from: fieldText(fields, 'From'),
        to: fieldText(fields, 'To'),
        durationSec: optionalNumber(fields, 'CallDuration'),
        occurredAt: isoFromDate(fieldText(fields, 'Timestamp')) ?? receivedAtIso(context),
      }),
    ];
  }

  const answeredBy = mapTwilioAnsweredBy(fieldText(fields, 'AnsweredBy'));
  // Async AMD: CallSid, AccountSid, AnsweredBy, MachineDetectionDuration. A status callback carries
  // AnsweredBy too, so without MachineDetectionDuration a body that lost its CallStatus is no AMD.
  if (answeredBy && fieldText(fields, 'MachineDetectionDuration')) {
    return [
      compactEvent({
        ...common,
        eventId: providerEventId('twilio', context.accountKey, callId, 'amd'),
        kind: 'amd',
        status: 'answered',
        answeredBy,
        occurredAt: receivedAtIso(context),
      }),
    ];
  }

  throw new WebhookPayloadError('Twilio webhook is neither a status, AMD nor recording callback');
}
