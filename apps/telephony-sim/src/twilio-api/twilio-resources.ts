import type { SimCall } from '../calls/sim-call';
import type { RecordingInfo } from '../recordings/recording-info';
import { TWILIO_API_VERSION } from './twilio-limits';

/** Twilio's date format in resources and callbacks (RFC 2822, "+0000"). */
export function twilioDate(iso: string | undefined): string | null {
  return iso ? new Date(iso).toUTCString().replace('GMT', '+0000') : null;
}

/** The call resource as Twilio's REST API answers it. */
export function callResource(call: SimCall): Record<string, unknown> {
  const uri = `/${TWILIO_API_VERSION}/Accounts/${call.accountSid}/Calls/${call.sid}.json`;
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    parent_call_sid: null,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: null,
    status: call.status,
    start_time: twilioDate(call.answeredAt),
    end_time: twilioDate(call.endedAt),
    duration: call.durationSeconds === undefined ? null : String(call.durationSeconds),
    price: null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: call.answeredBy ?? null,
    api_version: TWILIO_API_VERSION,
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    date_created: twilioDate(call.createdAt),
    date_updated: twilioDate(new Date().toISOString()),
    uri,
    subresource_uris: {
      recordings: uri.replace('.json', '/Recordings.json'),
      notifications: uri.replace('.json', '/Notifications.json'),
      events: uri.replace('.json', '/Events.json'),
    },
  };
}

export function recordingResource(
  owner: { accountSid: string; callSid: string },
  recording: RecordingInfo,
): Record<string, unknown> {
  return {
    sid: recording.sid,
    account_sid: owner.accountSid,
    call_sid: owner.callSid,
    status: recording.status,
    duration: String(recording.durationSeconds),
    channels: recording.channels,
    source: 'OutboundAPI',
    start_time: twilioDate(recording.startedAt),
    date_created: twilioDate(recording.startedAt),
    api_version: TWILIO_API_VERSION,
    media_url: recording.url,
    uri: `/${TWILIO_API_VERSION}/Accounts/${owner.accountSid}/Recordings/${recording.sid}.json`,
  };
}

/** The parameters every Twilio voice request carries (status callbacks and TwiML fetches alike). */
export function callParams(call: SimCall): Record<string, string> {
  return {
    AccountSid: call.accountSid,
    ApiVersion: TWILIO_API_VERSION,
    CallSid: call.sid,
    CallStatus: call.status,
    Called: call.to,
    Caller: call.from,
    Direction: call.direction,
    From: call.from,
    To: call.to,
    ...(call.answeredBy ? { AnsweredBy: call.answeredBy } : {}),
  };
}
