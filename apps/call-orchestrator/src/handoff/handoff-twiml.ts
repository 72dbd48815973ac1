import {
  type DestinationSpec,
  ErrorCode,
  IVR_DIGITS_PATTERN,
  PHONE_NUMBER_PATTERN,
  SIP_URI_PATTERN,
} from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { escapeXml } from '@callfleet/telephony';

/** A message the person on the winner's call hears (`<Say voice>`). */
export interface Spoken {
  text: string;
  voice: string;
}

/** One dial of the destination: where, how long it rings, and where the provider posts how it went. */
export interface DestinationDial {
  destination: DestinationSpec;
  /** Our flow URL with the hand-off's fence and this dial's attempt number. */
  actionUrl: string;
  timeoutSec: number;
  /** The number the destination sees (the winner's line); omitted: the provider's default. */
  callerId?: string;
  /**
   * Asked when the destination answers, before the bridge (Twilio's `<Number url>` / `<Sip url>`, the
   * whisper): the moment the hand-off is connected. Its answer runs on the destination's side.
   */
  answeredUrl?: string;
}

function twiml(verbs: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;
}

function say(spoken: Spoken): string {
  return `<Say voice="${escapeXml(spoken.voice)}">${escapeXml(spoken.text)}</Say>`;
}

function invalid(message: string): never {
  throw new AppException(ErrorCode.VALIDATION_ERROR, message);
}

/**
 * The destination as a `<Dial>` noun. Every value is checked again here (whatever stored it) and
 * escaped: a number is E.164, its digits `0-9*#w`, a SIP URI `sip:`/`sips:`.
 */
function destinationNoun(destination: DestinationSpec, answeredUrl?: string): string {
  const url = answeredUrl ? ` url="${escapeXml(answeredUrl)}" method="POST"` : '';
  if (destination.kind === 'sip') {
    if (!SIP_URI_PATTERN.test(destination.uri)) invalid('The destination is not a sip: URI');
    return `<Sip${url}>${escapeXml(destination.uri)}</Sip>`;
  }
  if (!PHONE_NUMBER_PATTERN.test(destination.number)) invalid('The destination number is not E.164');
  const digits = destination.sendDigits;
  if (digits !== undefined && digits !== null && digits !== '' && !IVR_DIGITS_PATTERN.test(digits)) {
    invalid('The destination digits may only hold 0-9, *, # and w');
  }
  const sendDigits = digits ? ` sendDigits="${escapeXml(digits)}"` : '';
  return `<Number${sendDigits}${url}>${escapeXml(destination.number)}</Number>`;
}

function dialVerb(dial: DestinationDial): string {
  if (dial.callerId !== undefined && !PHONE_NUMBER_PATTERN.test(dial.callerId)) invalid('The caller id is not E.164');
  const attributes = [
    ` action="${escapeXml(dial.actionUrl)}" method="POST"`,
    ` timeout="${Math.max(5, Math.round(dial.timeoutSec))}"`,
    dial.callerId ? ` callerId="${escapeXml(dial.callerId)}"` : '',
  ].join('');
  return `<Dial${attributes}>${destinationNoun(dial.destination, dial.answeredUrl)}</Dial>`;
}

/** Where the winner's call is sent (a call update): back to our flow, which answers `handoffStartTwiml`. */
export function handoffRedirectTwiml(startUrl: string): string {
  return twiml(`<Redirect method="POST">${escapeXml(startUrl)}</Redirect>`);
}

/**
 * The hand-off's first instructions: the person is told they are being connected, then the
 * destination is dialed with them kept on the line (its outcome goes to the action URL).
 */
export function handoffStartTwiml(greeting: Spoken, dial: DestinationDial): string {
  return twiml(`${say(greeting)}${dialVerb(dial)}`);
}

/** The destination did not take the call: a short hold message, a pause, and the next dial. */
export function handoffRetryTwiml(hold: Spoken, pauseSec: number, dial: DestinationDial): string {
  return twiml(`${say(hold)}<Pause length="${Math.max(1, Math.round(pauseSec))}"/>${dialVerb(dial)}`);
}

/** The answer to the destination's answered request: nothing to say to it, the bridge goes ahead. */
export function destinationBridgeTwiml(): string {
  return twiml('');
}

/** The last dial failed too: the person is told politely, then the call ends. */
export function handoffApologyTwiml(apology: Spoken): string {
  return twiml(`${say(apology)}<Hangup/>`);
}
