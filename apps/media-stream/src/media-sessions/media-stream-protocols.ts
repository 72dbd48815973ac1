import { decodeMulaw, encodeMulaw, pcm16FromLittleEndian, pcm16ToLittleEndian, Resampler } from '@callfleet/audio';
import { type MediaStreamProvider, STREAM_TOKEN_PARAMETER } from '@callfleet/contracts';
import {
  exotelClearMessage,
  exotelMarkMessage,
  exotelMediaMessage,
  exotelPlayChunks,
  type MediaFormat,
  type MediaFrameParse,
  type MediaStreamEvent,
  type MediaStreamStart,
  parseExotelMediaStreamFrame,
  parseTwilioMediaStreamFrame,
  twilioClearMessage,
  twilioMarkMessage,
  twilioMediaMessage,
} from '@callfleet/telephony';
import type { PlayEncoder } from './play-out';

/**
 * Where a stream says it may be played into: `bidirectional=true` among Twilio's `<Parameter>`s (set
 * with `<Connect><Stream>`, whose start message looks the same as `<Start><Stream>`'s), or Exotel's
 * custom parameters or URL query (its Voicebot applet). The stream token proves the call; this only
 * decides whether we send audio back, which a listen-only stream would ignore.
 */
export const BIDIRECTIONAL_PARAMETER = 'bidirectional';
/** Optional: the fleet call id the stream is for; when present it must match the token's. */
export const CALL_ID_PARAMETER = 'callId';

const isTrue = (value: string | null | undefined) =>
  value !== undefined && value !== null && /^(true|1|yes)$/i.test(value);

/** What differs between the providers' Media Streams, as the door needs it. */
export interface MediaStreamProtocol {
  provider: MediaStreamProvider;
  parse(text: string, format: MediaFormat | undefined): MediaFrameParse<MediaStreamEvent>;
  token(start: MediaStreamStart, query: URLSearchParams): string | undefined;
  callId(start: MediaStreamStart, query: URLSearchParams): string | undefined;
  bidirectional(start: MediaStreamStart, query: URLSearchParams): boolean;
  /** Twilio's `media.timestamp` is audio time from stream start; Exotel's is not documented as such. */
  timestampsAreAudioTime: boolean;
  /** Only this track is analysed (Twilio's `both_tracks` also sends what the callee hears). */
  inboundTrack?: string;
  playEncoder(streamId: string, format: MediaFormat): PlayEncoder;
}

class TwilioPlayEncoder implements PlayEncoder {
  constructor(private readonly streamSid: string) {}
  encode(pcm: Int16Array): string[] {
    const messages: string[] = [];
    // One message per 20 ms frame, as Twilio sends them: its buffer and marks work in those.
    for (let offset = 0; offset < pcm.length; offset += 160) {
      messages.push(twilioMediaMessage(this.streamSid, encodeMulaw(pcm.subarray(offset, offset + 160))));
    }
    return messages;
  }
  flush(): string[] {
    return [];
  }
  discard(): void {}
  mark(name: string): string {
    return twilioMarkMessage(this.streamSid, name);
  }
  clear(): string {
    return twilioClearMessage(this.streamSid);
  }
}

/** Our 8 kHz audio up to the stream's rate, by linear interpolation (played speech needs no more). */
export class LinearUpsampler {
  private previous = 0;
  constructor(private readonly factor: number) {}
  push(pcm: Int16Array): Int16Array {
    if (this.factor === 1) return pcm;
    const out = new Int16Array(pcm.length * this.factor);
    for (let i = 0; i < pcm.length; i++) {
      for (let k = 1; k <= this.factor; k++) {
        out[i * this.factor + k - 1] = Math.round(this.previous + ((pcm[i] - this.previous) * k) / this.factor);
      }
      this.previous = pcm[i];
    }
    return out;
  }
}

class ExotelPlayEncoder implements PlayEncoder {
  private rest: Buffer = Buffer.alloc(0);
  private readonly upsampler: LinearUpsampler;
  constructor(
    private readonly streamSid: string,
    format: MediaFormat,
  ) {
    this.upsampler = new LinearUpsampler(format.sampleRate / 8000);
  }
  encode(pcm: Int16Array): string[] {
    return this.chunks(pcm, false);
  }
  flush(): string[] {
    return this.chunks(new Int16Array(0), true);
  }
  discard(): void {
    this.rest = Buffer.alloc(0);
  }
  mark(name: string): string {
    return exotelMarkMessage(this.streamSid, name);
  }
  clear(): string {
    return exotelClearMessage(this.streamSid);
  }
  private chunks(pcm: Int16Array, flush: boolean): string[] {
    const audio = pcm16ToLittleEndian(this.upsampler.push(pcm));
    const { chunks, rest } = exotelPlayChunks(Buffer.concat([this.rest, audio]), flush);
    this.rest = rest;
    return chunks.map((chunk) => exotelMediaMessage(this.streamSid, chunk));
  }
}

export const MEDIA_STREAM_PROTOCOLS: Readonly<Record<MediaStreamProvider, MediaStreamProtocol>> = {
  twilio: {
    provider: 'twilio',
    parse: (text) => parseTwilioMediaStreamFrame(text),
    token: (start) => start.customParameters[STREAM_TOKEN_PARAMETER],
    callId: (start) => start.customParameters[CALL_ID_PARAMETER],
    bidirectional: (start) => isTrue(start.customParameters[BIDIRECTIONAL_PARAMETER]),
    timestampsAreAudioTime: true,
    inboundTrack: 'inbound',
    playEncoder: (streamId) => new TwilioPlayEncoder(streamId),
  },
  exotel: {
    provider: 'exotel',
    parse: (text, format) => parseExotelMediaStreamFrame(text, format),
    token: (start, query) => query.get(STREAM_TOKEN_PARAMETER) ?? start.customParameters[STREAM_TOKEN_PARAMETER],
    callId: (start, query) => query.get(CALL_ID_PARAMETER) ?? start.customParameters[CALL_ID_PARAMETER],
    bidirectional: (start, query) =>
      isTrue(query.get(BIDIRECTIONAL_PARAMETER)) || isTrue(start.customParameters[BIDIRECTIONAL_PARAMETER]),
    timestampsAreAudioTime: false,
    playEncoder: (streamId, format) => new ExotelPlayEncoder(streamId, format),
  },
};

/** Decodes a stream's payloads to PCM16 at 8 kHz (μ-law or PCM16 LE; 16/24 kHz resampled). */
export class MediaDecoder {
  private readonly resampler: Resampler | undefined;
  constructor(private readonly format: MediaFormat) {
    this.resampler = format.sampleRate === 8000 ? undefined : new Resampler(format.sampleRate);
  }
  decode(payload: Buffer): Int16Array {
    const pcm = this.format.encoding === 'mulaw' ? decodeMulaw(payload) : pcm16FromLittleEndian(payload);
    return this.resampler ? this.resampler.push(pcm) : pcm;
  }
}
