/**
 * The providers' media-stream messages, as the simulator (standing in for the provider) writes them
 * and reads our answers. Formats: ../../../../shared/providers.md ("Media Streams", "Stream / Voicebot applet").
 * Twilio numbers its fields as strings and camelCases them; Exotel snake_cases them.
 */

export type StreamProvider = 'twilio' | 'exotel';

/** Who the stream belongs to, as the provider names it in `start`. */
export interface StreamIdentity {
  streamSid: string;
  accountSid: string;
  callSid: string;
  from: string;
  to: string;
  customParameters: Record<string, string>;
}

export type TwilioTrack = 'inbound' | 'outbound';

export const twilioMessages = {
  connected: () => ({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
  start: (id: StreamIdentity, sequenceNumber: number, tracks: TwilioTrack[]) => ({
    event: 'start',
    sequenceNumber: String(sequenceNumber),
    start: {
      accountSid: id.accountSid,
      streamSid: id.streamSid,
      callSid: id.callSid,
      tracks,
      customParameters: id.customParameters,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: id.streamSid,
  }),
  media: (
    id: StreamIdentity,
    sequenceNumber: number,
    track: TwilioTrack,
    chunk: number,
    timestampMs: number,
    payload: string,
  ) => ({
    event: 'media',
    sequenceNumber: String(sequenceNumber),
    media: { track, chunk: String(chunk), timestamp: String(timestampMs), payload },
    streamSid: id.streamSid,
  }),
  dtmf: (id: StreamIdentity, sequenceNumber: number, digit: string) => ({
    event: 'dtmf',
    streamSid: id.streamSid,
    sequenceNumber: String(sequenceNumber),
    dtmf: { track: 'inbound_track', digit },
  }),
  mark: (id: StreamIdentity, sequenceNumber: number, name: string) => ({
    event: 'mark',
    sequenceNumber: String(sequenceNumber),
    streamSid: id.streamSid,
    mark: { name },
  }),
  stop: (id: StreamIdentity, sequenceNumber: number) => ({
    event: 'stop',
    sequenceNumber: String(sequenceNumber),
    streamSid: id.streamSid,
    stop: { accountSid: id.accountSid, callSid: id.callSid },
  }),
};

export const exotelMessages = {
  connected: () => ({ event: 'connected' }),
  start: (id: StreamIdentity, sequenceNumber: number, sampleRate: number) => ({
    event: 'start',
    sequence_number: String(sequenceNumber),
    stream_sid: id.streamSid,
    start: {
      stream_sid: id.streamSid,
      call_sid: id.callSid,
      account_sid: id.accountSid,
      from: id.from,
      to: id.to,
      custom_parameters: id.customParameters,
      // Exotel's support articles' shape (its newer pages also show "audio/x-raw" and bit_rate "16").
      media_format: {
        encoding: 'base64',
        sample_rate: String(sampleRate),
        bit_rate: `${(sampleRate * 16) / 1000}kbps`,
      },
    },
  }),
  media: (id: StreamIdentity, sequenceNumber: number, chunk: number, timestampMs: number, payload: string) => ({
    event: 'media',
    sequence_number: String(sequenceNumber),
    stream_sid: id.streamSid,
    media: { chunk: String(chunk), timestamp: String(timestampMs), payload },
  }),
  dtmf: (id: StreamIdentity, sequenceNumber: number, digit: string) => ({
    event: 'dtmf',
    sequence_number: String(sequenceNumber),
    stream_sid: id.streamSid,
    dtmf: { digit, duration: '100' },
  }),
  mark: (id: StreamIdentity, sequenceNumber: number, name: string) => ({
    event: 'mark',
    sequence_number: String(sequenceNumber),
    stream_sid: id.streamSid,
    mark: { name },
  }),
  stop: (id: StreamIdentity, sequenceNumber: number) => ({
    event: 'stop',
    sequence_number: String(sequenceNumber),
    stream_sid: id.streamSid,
    stop: { call_sid: id.callSid, account_sid: id.accountSid, reason: 'callended' },
  }),
};

/** What our side sent on a bidirectional stream, once read. Audio stays as the provider's bytes. */
export type InboundMessage =
  | { kind: 'media'; bytes: Buffer }
  | { kind: 'mark'; name: string }
  | { kind: 'clear' }
  | { kind: 'invalid'; reason: string };

/** Larger messages than any provider accepts (Exotel's limit is 100 KB of audio). */
export const MAX_INBOUND_MESSAGE_BYTES = 256 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MARK_NAME_MAX = 256;

/**
 * Reads one message our side sent. A provider ignores what it does not understand; the simulator
 * does too, but says why, so the admin API can show a test what went wrong.
 */
export function readInbound(provider: StreamProvider, raw: string, streamSid: string): InboundMessage {
  if (raw.length > MAX_INBOUND_MESSAGE_BYTES) return { kind: 'invalid', reason: 'message too large' };
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (typeof message !== 'object' || message === null) return { kind: 'invalid', reason: 'not a JSON object' };
  const m = message as Record<string, unknown>;
  // Exotel's documentation snake_cases, its sample code camelCases: both are accepted, as Exotel does.
  const sid = provider === 'twilio' ? m.streamSid : (m.stream_sid ?? m.streamSid);
  if (sid !== streamSid) return { kind: 'invalid', reason: `${m.event ?? 'message'} for another streamSid` };
  switch (m.event) {
    case 'media': {
      const payload = (m.media as { payload?: unknown } | undefined)?.payload;
      if (typeof payload !== 'string' || payload.length === 0 || !BASE64.test(payload) || payload.length % 4 !== 0) {
        return { kind: 'invalid', reason: 'media.payload is not base64' };
      }
      const bytes = Buffer.from(payload, 'base64');
      if (provider === 'exotel' && bytes.length % 2 !== 0) {
        return { kind: 'invalid', reason: 'media.payload is not whole 16-bit samples' };
      }
      return { kind: 'media', bytes };
    }
    case 'mark': {
      const name = (m.mark as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || !name || name.length > MARK_NAME_MAX) {
        return { kind: 'invalid', reason: 'mark.name is missing' };
      }
      return { kind: 'mark', name };
    }
    case 'clear':
      return { kind: 'clear' };
    default:
      return { kind: 'invalid', reason: `unknown event ${JSON.stringify(m.event)}`.slice(0, 100) };
  }
}
