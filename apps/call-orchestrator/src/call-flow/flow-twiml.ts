import { ErrorCode, IVR_DIGITS_PATTERN, STREAM_TOKEN_PARAMETER } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { escapeXml } from '@callfleet/telephony';

function twiml(verbs: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;
}

/** How the call is kept open: a long pause, then back to the flow (TwiML that runs out hangs up). */
export interface KeepOpen {
  pauseSec: number;
  /** The flow URL with `resume=1`: asked again after the pause, it answers the same. */
  resumeUrl: string;
}

function keepOpenVerbs(keep: KeepOpen): string {
  return `<Pause length="${Math.max(1, Math.round(keep.pauseSec))}"/><Redirect method="POST">${escapeXml(keep.resumeUrl)}</Redirect>`;
}

export interface StreamStart {
  /** media-stream's provider door (`wss://…/media/twilio`). */
  url: string;
  name: string;
  token: string;
  callId: string;
}

/**
 * The answer to an answered call's first flow request: fork the far end's audio to media-stream
 * (`<Start><Stream>` outlives every later TwiML, so digits never restart it), then hold the line open.
 */
export function answerTwiml(stream: StreamStart, keep: KeepOpen): string {
  const parameters = [
    `<Parameter name="${STREAM_TOKEN_PARAMETER}" value="${escapeXml(stream.token)}"/>`,
    `<Parameter name="callId" value="${escapeXml(stream.callId)}"/>`,
  ].join('');
  return twiml(
    `<Start><Stream url="${escapeXml(stream.url)}" name="${escapeXml(stream.name)}">${parameters}</Stream></Start>${keepOpenVerbs(keep)}`,
  );
}

/** A later flow request (after a pause or a digit): just keep holding. */
export function keepOpenTwiml(keep: KeepOpen): string {
  return twiml(keepOpenVerbs(keep));
}

/**
 * DTMF to the far end, then back to holding. The digits are checked against IVR_DIGITS_PATTERN here
 * again (whatever stored them) and escaped: nothing but `0-9*#w` ever reaches the TwiML.
 */
export function digitsTwiml(digits: string, keep: KeepOpen): string {
  if (!IVR_DIGITS_PATTERN.test(digits)) {
    throw new AppException(ErrorCode.VALIDATION_ERROR, 'IVR digits may only hold 0-9, *, # and w');
  }
  return twiml(`<Play digits="${escapeXml(digits)}"/>${keepOpenVerbs(keep)}`);
}

/** A call we do not (or no longer) want: end it. */
export function hangUpTwiml(): string {
  return twiml('<Hangup/>');
}
