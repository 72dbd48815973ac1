import {
  base64Payload,
  customParametersOf,
  digitField,
  numberOf,
  objectField,
  optionalCount,
  optionalObjectField,
  optionalTextField,
  parseFrame,
  reject,
  shown,
  textField,
} from '../media-streams/frame-fields';
import { type MediaFrameParse, type MediaStreamEvent } from '../media-streams/media-stream-frame';

/** What Twilio sends on a Media Stream (it never sends `clear`: that is ours to send). */
export type TwilioMediaStreamEvent = Exclude<MediaStreamEvent, { event: 'clear' }>;

/** Twilio's one format: μ-law at 8 kHz, mono. */
const TWILIO_ENCODING = 'audio/x-mulaw';

function readStart(frame: Record<string, unknown>): TwilioMediaStreamEvent {
  const start = objectField(frame, 'start');
  const mediaFormat = optionalObjectField(start, 'mediaFormat');
  if (mediaFormat) {
    const { encoding, sampleRate, channels } = mediaFormat;
    if (
      (encoding !== undefined && encoding !== TWILIO_ENCODING) ||
      (sampleRate !== undefined && numberOf(sampleRate) !== 8000) ||
      (channels !== undefined && numberOf(channels) !== 1)
    ) {
      // Described field by field: a client's nested value must never reach String() or JSON.stringify.
      reject(
        'unsupported-format',
        `mediaFormat ${shown(encoding)} at ${shown(sampleRate)} Hz, ${shown(channels)} channel(s) is not μ-law 8 kHz mono`,
      );
    }
  }
  const tracks = start.tracks;
  if (
    tracks !== undefined &&
    (!Array.isArray(tracks) || tracks.length > 4 || tracks.some((t) => typeof t !== 'string'))
  ) {
    reject('bad-field', '"tracks" is not a list of track names');
  }
  return {
    event: 'start',
    streamId: textField(start, 'streamSid'),
    providerCallId: textField(start, 'callSid'),
    accountId: optionalTextField(start, 'accountSid'),
    customParameters: customParametersOf(start.customParameters),
    format: { encoding: 'mulaw', sampleRate: 8000 },
    ...(tracks ? { tracks: tracks as string[] } : {}),
  };
}

function readEvent(frame: Record<string, unknown>): TwilioMediaStreamEvent {
  switch (frame.event) {
    case 'connected':
      return { event: 'connected' };
    case 'start':
      return readStart(frame);
    case 'media': {
      const media = objectField(frame, 'media');
      return {
        event: 'media',
        payload: base64Payload(media.payload, 1),
        timestampMs: optionalCount(media, 'timestamp'),
        chunk: optionalCount(media, 'chunk'),
        track: optionalTextField(media, 'track'),
      };
    }
    case 'dtmf':
      return { event: 'dtmf', digit: digitField(objectField(frame, 'dtmf')) };
    case 'mark':
      return { event: 'mark', name: textField(objectField(frame, 'mark'), 'name') };
    case 'stop':
      return { event: 'stop' };
    default:
      return reject('unknown-event', `unknown event ${shown(frame.event)}`);
  }
}

/** Reads one text frame Twilio sent on a Media Stream (its `<Stream>` WebSocket). */
export function parseTwilioMediaStreamFrame(text: string): MediaFrameParse<TwilioMediaStreamEvent> {
  return parseFrame(text, readEvent);
}

/** Audio to play into the call (bidirectional `<Connect><Stream>` only): μ-law 8 kHz, any length. */
export function twilioMediaMessage(streamSid: string, mulaw: Uint8Array): string {
  return JSON.stringify({
    event: 'media',
    streamSid,
    media: { payload: Buffer.from(mulaw.buffer, mulaw.byteOffset, mulaw.byteLength).toString('base64') },
  });
}

/** Twilio echoes the mark back (a `mark` event) once everything sent before it has played. */
export function twilioMarkMessage(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', streamSid, mark: { name } });
}

/** Empties Twilio's buffer of audio we sent; its pending marks come back at once. */
export function twilioClearMessage(streamSid: string): string {
  return JSON.stringify({ event: 'clear', streamSid });
}
