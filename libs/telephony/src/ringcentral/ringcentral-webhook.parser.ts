import type { AnsweredBy, CallStatus, NormalizedTelephonyEvent } from '@callfleet/contracts';
import { hashedEventId, providerEventId } from '../webhooks/event-id';
import { compactEvent, receivedAtIso } from '../webhooks/normalized-event';
import { isoFromDate } from '../webhooks/timestamps';
import { readWebhookFields } from '../webhooks/webhook-fields';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';
import type { WebhookParseContext, WebhookRequest } from '../webhooks/webhook-request';

const IN_CALL_CODES = new Set(['Answered', 'Hold', 'Parked', 'VoiceMail', 'VoiceMailScreening', 'FaxReceive', 'Tds']);

/** Disconnected reasons that say the call never connected, and how. */
const DISCONNECT_REASON_STATUS: Readonly<Record<string, CallStatus>> = {
  NoAnswer: 'no-answer',
  Timeout: 'no-answer',
  TargetBusy: 'busy',
  Rejected: 'busy',
  Cancelled: 'canceled',
  InvalidNumber: 'failed',
  InternationalDisabled: 'failed',
  DestinationBlocked: 'failed',
  NotEnoughFunds: 'failed',
  NoSuchUser: 'failed',
  InternalError: 'failed',
};

/** A party's `status.code` (and `reason` when it disconnected) in our vocabulary. */
export function mapRingCentralPartyStatus(code: string, reason?: string): CallStatus {
  if (code === 'Setup') return 'initiated';
  if (code === 'Proceeding') return 'ringing';
  if (IN_CALL_CODES.has(code)) return 'answered';
  if (code === 'Disconnected' || code === 'Gone') {
    return reason && Object.hasOwn(DISCONNECT_REASON_STATUS, reason) ? DISCONNECT_REASON_STATUS[reason] : 'completed';
  }
  throw new WebhookPayloadError(`Unknown RingCentral party status "${code}"`);
}

function answeredByOf(code: string): AnsweredBy | undefined {
  if (code === 'VoiceMail') return 'machine_start';
  if (code === 'FaxReceive') return 'fax';
  return undefined;
}

interface RingCentralParty {
  id?: unknown;
  from?: { phoneNumber?: unknown };
  to?: { phoneNumber?: unknown };
  status?: { code?: unknown; reason?: unknown };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * RingCentral notifications. A telephony-session notification gives one call-status event per
 * party (the id is the notification uuid plus the party id; `body.sequence` orders them, as they
 * can arrive late and twice). Subscription notices (renewal reminders) give a `subscription` event.
 * Other event filters give nothing.
 */
export function parseRingCentralWebhook(
  request: WebhookRequest,
  context: WebhookParseContext,
): NormalizedTelephonyEvent[] {
  const payload = readWebhookFields(request, 'RingCentral', ['json']);
  const event = text(payload.event) ?? '';
  const uuid = text(payload.uuid);
  const idOf = (...parts: string[]) =>
    uuid
      ? providerEventId('ringcentral', context.accountKey, uuid, ...parts)
      : hashedEventId('ringcentral', context.accountKey, payload, parts.join(':'));

  if (event.includes('/subscription')) {
    return [
      compactEvent({
        eventId: idOf(),
        provider: 'ringcentral',
        accountKey: context.accountKey,
        kind: 'subscription',
        occurredAt: isoFromDate(text(payload.timestamp)) ?? receivedAtIso(context),
        raw: payload,
      }),
    ];
  }
  if (!event.includes('/telephony/sessions')) return [];

  const body = payload.body as
    | { sequence?: unknown; telephonySessionId?: unknown; eventTime?: unknown; parties?: unknown }
    | undefined;
  const sessionId = text(body?.telephonySessionId);
  if (!body || !sessionId || !Array.isArray(body.parties)) {
    throw new WebhookPayloadError('RingCentral telephony notification without telephonySessionId or parties');
  }
  const sequence =
    typeof body.sequence === 'number' && Number.isInteger(body.sequence) && body.sequence >= 0
      ? body.sequence
      : undefined;
  const occurredAt =
    isoFromDate(text(body.eventTime)) ?? isoFromDate(text(payload.timestamp)) ?? receivedAtIso(context);

  return (body.parties as RingCentralParty[]).map((party) => {
    const partyId = text(party?.id);
    const code = text(party?.status?.code);
    if (!partyId || !code) throw new WebhookPayloadError('RingCentral party without id or status code');
    return compactEvent({
      eventId: idOf(partyId),
      provider: 'ringcentral',
      accountKey: context.accountKey,
      kind: 'call-status',
      callId: sessionId,
      partyId,
      status: mapRingCentralPartyStatus(code, text(party.status?.reason)),
      answeredBy: answeredByOf(code),
      sequence,
      from: text(party.from?.phoneNumber),
      to: text(party.to?.phoneNumber),
      occurredAt,
      raw: payload,
    });
  });
}
