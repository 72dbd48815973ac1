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

function streamNoun(stream: StreamStart, extra: Record<string, string> = {}): string {
  const parameters = Object.entries({ [STREAM_TOKEN_PARAMETER]: stream.token, callId: stream.callId, ...extra })
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  return `<Stream url="${escapeXml(stream.url)}" name="${escapeXml(stream.name)}">${parameters}</Stream>`;
}

/**
 * The answer to an answered call's first flow request: fork the far end's audio to media-stream
 * (`<Start><Stream>` outlives every later TwiML, so digits never restart it), then hold the line open.
 */
export function answerTwiml(stream: StreamStart, keep: KeepOpen): string {
  return twiml(`<Start>${streamNoun(stream)}</Start>${keepOpenVerbs(keep)}`);
}

/**
 * A bidirectional stream (Twilio's `<Connect><Stream>`): media-stream may play audio back into the
 * call (`media.v1.play.<callId>`; it plays only into streams whose `bidirectional` parameter says so).
 * `<Connect>` holds the call while the stream lasts; should media-stream close it, the line is held
 * open as after a fork.
 */
export function connectStreamTwiml(stream: StreamStart, keep: KeepOpen): string {
  return twiml(`<Connect>${streamNoun(stream, { bidirectional: 'true' })}</Connect>${keepOpenVerbs(keep)}`);
}

function checkDigits(digits: string): void {
  if (!IVR_DIGITS_PATTERN.test(digits)) {
    throw new AppException(ErrorCode.VALIDATION_ERROR, 'IVR digits may only hold 0-9, *, # and w');
  }
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
  checkDigits(digits);
  return twiml(`<Play digits="${escapeXml(digits)}"/>${keepOpenVerbs(keep)}`);
}

/**
 * DTMF, then straight back to the flow at `flowUrl`: for a call whose `<Connect><Stream>` the call
 * update ended, so the flow connects a new stream (with a new token) once the digits are played.
 * Digits checked and escaped as in `digitsTwiml`.
 */
export function digitsThenFlowTwiml(digits: string, flowUrl: string): string {
  checkDigits(digits);
  return twiml(`<Play digits="${escapeXml(digits)}"/><Redirect method="POST">${escapeXml(flowUrl)}</Redirect>`);
}

/** A call we do not (or no longer) want: end it. */
export function hangUpTwiml(): string {
  return twiml('<Hangup/>');
}
