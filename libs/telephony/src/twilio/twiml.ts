import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

export const TWIML_CONTENT_TYPE = 'application/xml';

/** Escapes text and attribute values (phone numbers and URLs come from users and providers). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function twiml(verbs: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;
}

/** DTMF digits Twilio's `<Play digits>` accepts; `w` waits half a second. */
const DIGITS = /^[0-9*#wW]{1,128}$/;

export function assertDigits(digits: string): void {
  if (!DIGITS.test(digits)) {
    throw new AppException(ErrorCode.VALIDATION_ERROR, 'Digits may only hold 0-9, *, #, w and W (1 to 128)');
  }
}

/**
 * Plays DTMF into the call, then either fetches the call's flow again (`resumeUrl`, where the
 * orchestrator decides what comes next) or keeps the line open: TwiML that runs out hangs up.
 */
export function playDigitsTwiml(digits: string, resumeUrl?: string): string {
  assertDigits(digits);
  const after = resumeUrl ? `<Redirect method="POST">${escapeXml(resumeUrl)}</Redirect>` : '<Pause length="3600"/>';
  return twiml(`<Play digits="${escapeXml(digits)}"/>${after}`);
}

/** A Twilio dial target; `sendDigits` reaches an extension behind a main number. */
export type DialTarget = { phoneNumber: string; sendDigits?: string } | { sipUri: string };

export interface DialOptions {
  callerId?: string;
  ringTimeoutSec?: number;
  /** Twilio posts the dial outcome here (DialCallStatus), so a missed hand-off can be retried. */
  actionUrl?: string;
}

export function dialTwiml(target: DialTarget, options: DialOptions = {}): string {
  const attributes = [
    options.callerId ? ` callerId="${escapeXml(options.callerId)}"` : '',
    options.ringTimeoutSec ? ` timeout="${Math.round(options.ringTimeoutSec)}"` : '',
    options.actionUrl ? ` action="${escapeXml(options.actionUrl)}" method="POST"` : '',
  ].join('');
  let noun: string;
  if ('sipUri' in target) {
    noun = `<Sip>${escapeXml(target.sipUri)}</Sip>`;
  } else {
    if (target.sendDigits) assertDigits(target.sendDigits);
    const sendDigits = target.sendDigits ? ` sendDigits="${escapeXml(target.sendDigits)}"` : '';
    noun = `<Number${sendDigits}>${escapeXml(target.phoneNumber)}</Number>`;
  }
  return twiml(`<Dial${attributes}>${noun}</Dial>`);
}

/** What webhook-ingest answers a call-flow request with when the orchestrator does not answer in time. */
export function fallbackTwiml(pauseSec = 1): string {
  return twiml(`<Pause length="${Math.max(0, Math.round(pauseSec))}"/><Hangup/>`);
}
