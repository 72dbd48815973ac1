import { RECORDING_STATUSES } from '@callfleet/contracts';
import { WebhookPayloadError } from '../webhooks/webhook-payload.error';

/** Twilio's ids: a two-letter type prefix and 32 lower-case hex digits. */
const sid = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
const DIGITS = /^\d{1,9}$/;
/** RFC 2822 as Twilio writes it: `Tue, 14 Jan 2025 17:03:41 +0000`. */
const RFC_2822_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

export const TWILIO_CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;
export const TWILIO_DIRECTIONS = [
  'inbound',
  'outbound-api',
  'outbound-dial',
  'trunking-originating',
  'trunking-terminating',
];

type FieldRule = { test: (value: string) => boolean; says: string };

const matches = (pattern: RegExp, says: string): FieldRule => ({ test: (v) => pattern.test(v), says });
const oneOf = (values: readonly string[]): FieldRule => ({
  test: (v) => values.includes(v),
  says: `one of ${values.join(', ')}`,
});
const rfc2822Date: FieldRule = {
  test: (v) => RFC_2822_DATE.test(v) && !Number.isNaN(Date.parse(v)),
  says: 'an RFC 2822 date',
};
const digits = matches(DIGITS, 'digits');

/**
 * The form of every field Twilio's voice callbacks document, checked before anything is read.
 * Twilio signs names and values run together without separators, so a captured delivery can be
 * split again at other boundaries (`SequenceNumber=1TimestampTue…`) and still verify; held to
 * these forms, such a re-split no longer reads as a callback. Fields not listed (Twilio adds new
 * ones) pass as they are; AnsweredBy's values are open (an unknown one reads as `unknown`), its form is not.
 */
const TWILIO_FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  AccountSid: matches(sid('AC'), 'AC and 32 hex digits'),
  CallSid: matches(sid('CA'), 'CA and 32 hex digits'),
  ParentCallSid: matches(sid('CA'), 'CA and 32 hex digits'),
  RecordingSid: matches(sid('RE'), 'RE and 32 hex digits'),
  CallStatus: oneOf(TWILIO_CALL_STATUSES),
  RecordingStatus: oneOf(RECORDING_STATUSES),
  Direction: oneOf(TWILIO_DIRECTIONS),
  AnsweredBy: matches(/^[a-z_]{1,40}$/, 'lower-case letters and _'),
  SequenceNumber: digits,
  CallDuration: digits,
  Duration: digits,
  RecordingDuration: digits,
  RecordingChannels: digits,
  MachineDetectionDuration: digits,
  ErrorCode: digits,
  Timestamp: rfc2822Date,
  RecordingStartTime: rfc2822Date,
  ApiVersion: matches(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2010-04-01'),
  CallbackSource: matches(/^[a-z-]{1,40}$/, 'lower-case letters and -'),
};

/** The value of a field as Twilio sends it: one string (a form) or a string or number (the JSON variant). */
function singleText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Throws a 400 naming the first documented field that does not have its documented form (or is
 * repeated: Twilio sends each once). An empty value reads as absent, as Twilio leaves some fields
 * empty; the call's id never is. The value itself is never echoed: it is the sender's.
 */
export function assertTwilioFields(fields: Readonly<Record<string, unknown>>): void {
  for (const [name, rule] of Object.entries(TWILIO_FIELD_RULES)) {
    if (!Object.hasOwn(fields, name)) continue;
    const text = singleText(fields[name]);
    if (text === '' && name !== 'CallSid') continue;
    if (text === undefined || !rule.test(text)) {
      throw new WebhookPayloadError(`Twilio ${name} must be ${rule.says}`);
    }
  }
}
