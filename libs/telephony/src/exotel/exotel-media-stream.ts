import {
  base64Payload,
  bytesPerSampleOf,
  customParametersOf,
  digitField,
  field,
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
import {
  MEDIA_STREAM_SAMPLE_RATES,
  type MediaEncoding,
  type MediaFormat,
  type MediaFrameParse,
  type MediaStreamEvent,
  type MediaStreamSampleRate,
} from '../media-streams/media-stream-frame';

export type ExotelMediaStreamEvent = MediaStreamEvent;

/**
 * Exotel's `media_format.encoding`: its documentation says `base64` (the transport) for raw 16-bit
 * PCM; some accounts stream μ-law. Anything else is refused rather than guessed.
 */
const EXOTEL_ENCODINGS: Readonly<Record<string, MediaEncoding>> = {
  base64: 'pcm16',
  raw: 'pcm16',
  slin: 'pcm16',
  pcm: 'pcm16',
  pcm16: 'pcm16',
  linear16: 'pcm16',
  'audio/l16': 'pcm16',
  'audio/pcm': 'pcm16',
  // Exotel's newer Voicebot articles name raw 16-bit PCM this way.
  'audio/x-raw': 'pcm16',
  'audio/x-l16': 'pcm16',
  mulaw: 'mulaw',
  ulaw: 'mulaw',
  pcmu: 'mulaw',
  'audio/x-mulaw': 'mulaw',
  'audio/pcmu': 'mulaw',
};

function formatOf(start: Record<string, unknown>): MediaFormat {
  const mediaFormat = optionalObjectField(start, 'media_format', 'mediaFormat') ?? {};
  const encodingName = field(mediaFormat, 'encoding');
  const encoding =
    encodingName === undefined
      ? 'pcm16'
      : typeof encodingName === 'string' && Object.hasOwn(EXOTEL_ENCODINGS, encodingName.toLowerCase())
        ? EXOTEL_ENCODINGS[encodingName.toLowerCase()]
        : reject('unsupported-format', `encoding ${shown(encodingName)} is not PCM16 or μ-law`);
  const rateValue = field(mediaFormat, 'sample_rate', 'sampleRate');
  // numberOf, not Number: an array is not a rate, and a nested one would overflow the stack.
  const sampleRate = rateValue === undefined ? 8000 : numberOf(rateValue);
  if (
    !MEDIA_STREAM_SAMPLE_RATES.includes(sampleRate as MediaStreamSampleRate) ||
    (encoding === 'mulaw' && sampleRate !== 8000)
  ) {
    reject('unsupported-format', `sample rate ${shown(rateValue, 20)} is not 8000, 16000 or 24000`);
  }
  return { encoding, sampleRate: sampleRate as MediaStreamSampleRate };
}

function readEvent(frame: Record<string, unknown>, format: MediaFormat | undefined): ExotelMediaStreamEvent {
  switch (frame.event) {
    case 'connected':
      return { event: 'connected' };
    case 'start': {
      const start = objectField(frame, 'start');
      return {
        event: 'start',
        streamId: textField(start, 'stream_sid', 'streamSid'),
        providerCallId: textField(start, 'call_sid', 'callSid'),
        accountId: optionalTextField(start, 'account_sid', 'accountSid'),
        customParameters: customParametersOf(field(start, 'custom_parameters', 'customParameters')),
        format: formatOf(start),
      };
    }
    case 'media': {
      const media = objectField(frame, 'media');
      return {
        event: 'media',
        payload: base64Payload(media.payload, bytesPerSampleOf(format?.encoding ?? 'pcm16')),
        timestampMs: optionalCount(media, 'timestamp'),
        chunk: optionalCount(media, 'chunk'),
      };
    }
    case 'dtmf':
      return { event: 'dtmf', digit: digitField(objectField(frame, 'dtmf')) };
    case 'mark':
      return { event: 'mark', name: textField(objectField(frame, 'mark'), 'name') };
    case 'clear':
      return { event: 'clear' };
    case 'stop': {
      const stop = optionalObjectField(frame, 'stop');
      return { event: 'stop', reason: stop ? optionalTextField(stop, 'reason') : undefined };
    }
    default:
      return reject('unknown-event', `unknown event ${shown(frame.event)}`);
  }
}

/**
 * Reads one text frame of an Exotel AgentStream / Voicebot WebSocket, in snake_case (its documentation)
 * or camelCase (its sample code). `format`, the stream's from `start`, checks a media payload holds
 * whole samples.
 */
export function parseExotelMediaStreamFrame(
  text: string,
  format?: MediaFormat,
): MediaFrameParse<ExotelMediaStreamEvent> {
  return parseFrame(text, (frame) => readEvent(frame, format));
}

/** Exotel takes audio back in chunks of a multiple of 320 bytes, from 3.2 KB to 100 KB. */
export const EXOTEL_PLAY_CHUNK_MULTIPLE = 320;
export const EXOTEL_PLAY_CHUNK_MIN_BYTES = 3200;
export const EXOTEL_PLAY_CHUNK_MAX_BYTES = 100_000 - (100_000 % EXOTEL_PLAY_CHUNK_MULTIPLE);

export function isExotelPlayChunkSize(bytes: number): boolean {
  return (
    bytes % EXOTEL_PLAY_CHUNK_MULTIPLE === 0 &&
    bytes >= EXOTEL_PLAY_CHUNK_MIN_BYTES &&
    bytes <= EXOTEL_PLAY_CHUNK_MAX_BYTES
  );
}

/** Audio to play into a Voicebot call: PCM16 LE in the stream's rate, one chunk of an allowed size. */
export function exotelMediaMessage(streamSid: string, pcm16le: Uint8Array): string {
  if (!isExotelPlayChunkSize(pcm16le.byteLength)) {
    throw new RangeError(
      `Exotel play chunks are ${EXOTEL_PLAY_CHUNK_MIN_BYTES}..${EXOTEL_PLAY_CHUNK_MAX_BYTES} bytes in multiples of ${EXOTEL_PLAY_CHUNK_MULTIPLE}, got ${pcm16le.byteLength}`,
    );
  }
  return JSON.stringify({
    event: 'media',
    stream_sid: streamSid,
    media: { payload: Buffer.from(pcm16le.buffer, pcm16le.byteOffset, pcm16le.byteLength).toString('base64') },
  });
}

export function exotelMarkMessage(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', stream_sid: streamSid, mark: { name } });
}

export function exotelClearMessage(streamSid: string): string {
  return JSON.stringify({ event: 'clear', stream_sid: streamSid });
}

/**
 * Cuts audio to play into chunks Exotel accepts, `chunkBytes` each (rounded to the allowed sizes). What
 * is left over waits for more audio, unless `flush`: then it is padded with silence to an allowed size,
 * so the end of a prompt is not held back (joined to the last chunk when that stays in bounds).
 */
export function exotelPlayChunks(
  pcm16le: Uint8Array,
  flush: boolean,
  chunkBytes = EXOTEL_PLAY_CHUNK_MIN_BYTES,
): {
  chunks: Buffer[];
  rest: Buffer;
} {
  const size = Math.min(
    EXOTEL_PLAY_CHUNK_MAX_BYTES,
    Math.max(EXOTEL_PLAY_CHUNK_MIN_BYTES, chunkBytes - (chunkBytes % EXOTEL_PLAY_CHUNK_MULTIPLE)),
  );
  const audio = Buffer.from(pcm16le.buffer, pcm16le.byteOffset, pcm16le.byteLength);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (; offset + size <= audio.length; offset += size) chunks.push(Buffer.from(audio.subarray(offset, offset + size)));
  let rest = Buffer.from(audio.subarray(offset));
  if (flush && rest.length > 0) {
    // The rest rides on the last full chunk when that stays under the limit: less silence added.
    const last =
      chunks.length > 0 && chunks[chunks.length - 1].length + rest.length <= EXOTEL_PLAY_CHUNK_MAX_BYTES
        ? chunks.pop()
        : undefined;
    const tail = last ? Buffer.concat([last, rest]) : rest;
    const padded = Math.max(
      EXOTEL_PLAY_CHUNK_MIN_BYTES,
      Math.ceil(tail.length / EXOTEL_PLAY_CHUNK_MULTIPLE) * EXOTEL_PLAY_CHUNK_MULTIPLE,
    );
    const chunk = Buffer.alloc(padded);
    tail.copy(chunk);
    chunks.push(chunk);
    rest = Buffer.alloc(0);
  }
  return { chunks, rest };
}
