/**
 * Live media on core NATS (never stored): what media-stream hears on a call, its audio when someone
 * listens, and audio to play into the call. `<callId>` is the fleet's call id (the stream token's
 * `callId`), one NATS token: letters, digits, `-` and `_` only.
 */
export const MediaSubjects = {
  /** Audio classes, repeats, DTMF and the live-human decision of one call (JSON `MediaSignal`). */
  signals: (callId: string) => `media.v1.signals.${callId}`,
  /** Raw inbound audio, PCM16 LE 8 kHz mono, 20 ms per message; published only while listened to. */
  audio: (callId: string) => `media.v1.audio.${callId}`,
  /** Audio (PCM16 LE 8 kHz mono, any multiple of 2 bytes) or a `clear`, played into a bidirectional stream. */
  play: (callId: string) => `media.v1.play.${callId}`,
  SIGNALS_ALL: 'media.v1.signals.*',
  AUDIO_ALL: 'media.v1.audio.*',
  PLAY_ALL: 'media.v1.play.*',
} as const;

/** A call id usable as one NATS subject token (and in a URL, a KV key and a log line). */
export const MEDIA_CALL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Headers of a `media.v1.audio.<callId>` / `media.v1.play.<callId>` message. */
export const MediaHeaders = {
  /** The frame's number in the stream, from 1, no gaps unless frames were lost. */
  SEQUENCE: 'Media-Sequence',
  /** Audio time of the frame's first sample, in ms from stream start. */
  TIMESTAMP_MS: 'Media-Timestamp-Ms',
  /** Always `audio/L16;rate=8000;channels=1` (little-endian, despite RFC 3551's network order). */
  CONTENT_TYPE: 'Content-Type',
  /** On `media.v1.play.<callId>`: `clear` empties what is queued for playing; `mark` asks for a mark (value = its name). */
  PLAY_ACTION: 'Media-Action',
  MARK_NAME: 'Media-Mark',
} as const;

export const MEDIA_AUDIO_CONTENT_TYPE = 'audio/L16;rate=8000;channels=1';
/** One analysis frame: 20 ms at 8 kHz. */
export const MEDIA_FRAME_SAMPLES = 160;
export const MEDIA_SAMPLE_RATE = 8000;
