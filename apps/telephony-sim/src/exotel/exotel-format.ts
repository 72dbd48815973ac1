import { XMLBuilder } from 'fast-xml-parser';
import type { CallStatus, SimCall } from '../calls/sim-call';

/** Exotel's date format, "YYYY-MM-DD HH:mm:ss" (UTC here). */
export function exotelDate(iso: string | undefined): string | null {
  return iso ? iso.slice(0, 19).replace('T', ' ') : null;
}

/** Exotel's status words: a call is "in-progress" from the moment it is placed until it ends. */
export function exotelStatus(status: CallStatus): string {
  switch (status) {
    case 'initiated':
    case 'ringing':
      return 'in-progress';
    default:
      return status;
  }
}

/** The call resource as Exotel's v1 API answers it (JSON with `.json`, XML without). */
export function exotelCallResource(call: SimCall): { Call: Record<string, unknown> } {
  return {
    Call: {
      Sid: call.sid,
      ParentCallSid: null,
      DateCreated: exotelDate(call.createdAt),
      DateUpdated: exotelDate(new Date().toISOString()),
      AccountSid: call.accountSid,
      To: call.exotel?.connectTo ?? call.exotel?.callerId ?? null,
      From: call.to,
      PhoneNumberSid: call.exotel?.callerId ?? null,
      Status: exotelStatus(call.status),
      StartTime: exotelDate(call.answeredAt ?? call.createdAt),
      EndTime: exotelDate(call.endedAt),
      Duration: call.durationSeconds ?? null,
      Price: null,
      Direction: 'outbound-api',
      AnsweredBy: null,
      ForwardedFrom: null,
      CallerName: null,
      Uri: `/v1/Accounts/${call.accountSid}/Calls/${call.sid}`,
      RecordingUrl: call.recording?.url ?? null,
    },
  };
}

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: true });

export function exotelXml(resource: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml.build({ TwilioResponse: resource })}`;
}
