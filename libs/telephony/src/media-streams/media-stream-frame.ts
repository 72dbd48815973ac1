/**
 * What the provider codecs (Twilio and Exotel Media Streams) read a text frame into. A frame that
 * cannot be used is a value with a `reason` (a metric label, so a closed set), never an exception: a
 * media stream meets hostile or broken frames and must drop them one by one.
 */
export const MEDIA_FRAME_REJECTIONS = [
  /** Not JSON. */
  'malformed-json',
  /** JSON, but not an object with a string `event`. */
  'not-an-event',
  'unknown-event',
  /** A field the event needs is absent or of the wrong type or length. */
  'bad-field',
  /** The media payload is not canonical base64. */
  'bad-base64',
  /** The decoded payload is empty, too big, or not a whole number of samples. */
  'bad-payload-size',
  /** `start` names an encoding or sample rate we do not decode. */
  'unsupported-format',
] as const;
export type MediaFrameRejection = (typeof MEDIA_FRAME_REJECTIONS)[number];

export type MediaFrameParse<E> = { ok: true; event: E } | { ok: false; reason: MediaFrameRejection; detail: string };

export type MediaEncoding = 'mulaw' | 'pcm16';
export const MEDIA_STREAM_SAMPLE_RATES = [8000, 16000, 24000] as const;
export type MediaStreamSampleRate = (typeof MEDIA_STREAM_SAMPLE_RATES)[number];

export interface MediaFormat {
  encoding: MediaEncoding;
  sampleRate: MediaStreamSampleRate;
}

export interface MediaStreamConnected {
  event: 'connected';
}

export interface MediaStreamStart {
  event: 'start';
  streamId: string;
  providerCallId: string;
  accountId?: string;
  /** Twilio `customParameters` / Exotel `custom_parameters`, string values only. */
  customParameters: Record<string, string>;
  format: MediaFormat;
  /** Twilio's `tracks` (`inbound`, `outbound`). */
  tracks?: string[];
}

export interface MediaStreamMedia {
  event: 'media';
  /** Decoded from base64, still in the stream's encoding. */
  payload: Buffer;
  /** Provider's audio time of the chunk, in ms from stream start, when it sends one. */
  timestampMs?: number;
  chunk?: number;
  track?: string;
}

export interface MediaStreamDtmf {
  event: 'dtmf';
  digit: string;
}

export interface MediaStreamMark {
  event: 'mark';
  name: string;
}

export interface MediaStreamClear {
  event: 'clear';
}

export interface MediaStreamStop {
  event: 'stop';
  reason?: string;
}

export type MediaStreamEvent =
  | MediaStreamConnected
  | MediaStreamStart
  | MediaStreamMedia
  | MediaStreamDtmf
  | MediaStreamMark
  | MediaStreamClear
  | MediaStreamStop;

/** Largest media payload accepted (decoded): a second of 24 kHz PCM16 is 48,000 bytes. */
export const MAX_MEDIA_PAYLOAD_BYTES = 48_000;
