import { ID3V2_HEADER_BYTES, id3v2TagLength, readFrameHeader } from './mp3-frames';
import { isRiffWave, MAX_WAV_HEADER_BYTES, readWavHeader, WavFormatError, type WavHeader } from './wav-format';

export type AudioFormat = 'wav' | 'mp3';

export const AUDIO_CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/** `bad-format`: not audio we read, or broken inside; `truncated`: the file ends before its audio does. */
export class AudioStreamError extends Error {
  constructor(
    readonly kind: 'bad-format' | 'truncated',
    message: string,
  ) {
    super(message);
  }
}

export interface ProbedAudio {
  format: AudioFormat;
  contentType: string;
  durationSeconds: number;
}

/** Decides the format from the first bytes: RIFF/WAVE, an ID3v2 tag or an MPEG layer III frame sync. */
export function sniffAudioFormat(prefix: Buffer): AudioFormat | 'need-more' | 'unknown' {
  if (prefix.length < 4) return 'need-more';
  if (prefix.toString('latin1', 0, 3) === 'ID3' || readFrameHeader(prefix, 0)) return 'mp3';
  if (prefix.toString('ascii', 0, 4) === 'RIFF') {
    if (prefix.length < 12) return 'need-more';
    return isRiffWave(prefix) ? 'wav' : 'unknown';
  }
  return 'unknown';
}

interface FormatReader {
  push(chunk: Buffer): void;
  end(): number;
}

/** Holds the header bytes until the `data` chunk starts, then only counts. */
class WavStreamReader implements FormatReader {
  private prefix: Buffer[] = [];
  private header: WavHeader | undefined;
  private received = 0;

  push(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.header) return;
    this.prefix.push(chunk);
    const prefix = Buffer.concat(this.prefix).subarray(0, MAX_WAV_HEADER_BYTES);
    this.prefix = [prefix];
    try {
      this.header = readWavHeader(prefix);
    } catch (error) {
      if (error instanceof WavFormatError) throw new AudioStreamError('bad-format', error.message);
      throw error;
    }
    if (this.header) this.prefix = [];
  }

  end(): number {
    const header = this.header;
    if (!header) throw new AudioStreamError('truncated', 'the file ends inside the WAV header');
    const available = this.received - header.dataOffset;
    // A writer that streamed the file without seeking back leaves the size unset: the data runs to the end.
    const unset = header.dataBytes === 0 || header.dataBytes === 0xffffffff;
    const dataBytes = unset ? available : header.dataBytes;
    if (available < dataBytes) {
      throw new AudioStreamError(
        'truncated',
        `the data chunk declares ${dataBytes} bytes, the file holds ${available}`,
      );
    }
    return dataBytes / header.byteRate;
  }
}

/** Walks the frames: at most a frame header's bytes are ever kept between chunks. */
class Mp3StreamReader implements FormatReader {
  private carry: Buffer = Buffer.alloc(0);
  private skip = 0;
  private atStart = true;
  private afterId3v1 = false;
  private frames = 0;
  // Counted in samples: adding up per-frame seconds would drift by floating-point error.
  private samples = 0;
  private sampleRate = 0;

  push(chunk: Buffer): void {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let offset = 0;
    this.carry = Buffer.alloc(0);
    while (offset < bytes.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, bytes.length - offset);
        offset += n;
        this.skip -= n;
        continue;
      }
      if (this.afterId3v1) throw new AudioStreamError('bad-format', 'bytes after the ID3v1 tag');
      if (this.atStart) {
        if (bytes.length - offset < ID3V2_HEADER_BYTES) break;
        this.atStart = false;
        this.skip = id3v2TagLength(bytes.subarray(offset));
        continue;
      }
      if (bytes.length - offset < 4) break;
      const header = readFrameHeader(bytes, offset);
      if (header) {
        if (this.sampleRate && header.sampleRate !== this.sampleRate) {
          throw new AudioStreamError('bad-format', `frame ${this.frames + 1} changes the sample rate`);
        }
        this.sampleRate = header.sampleRate;
        this.frames++;
        this.samples += header.samplesPerFrame;
        this.skip = header.frameLength;
      } else if (bytes.toString('latin1', offset, offset + 3) === 'TAG') {
        this.afterId3v1 = true;
        this.skip = 128;
      } else {
        throw new AudioStreamError('bad-format', `no MP3 frame where frame ${this.frames + 1} should start`);
      }
    }
    if (offset < bytes.length) this.carry = Buffer.from(bytes.subarray(offset));
  }

  end(): number {
    if (this.skip > 0 || (this.carry.length > 0 && !this.atStart)) {
      throw new AudioStreamError('truncated', `the file ends inside frame ${this.frames}`);
    }
    if (this.frames === 0) throw new AudioStreamError(this.atStart ? 'truncated' : 'bad-format', 'no MP3 frames');
    return this.samples / this.sampleRate;
  }
}

/**
 * Reads a recording as it streams past, chunk by chunk, without keeping it: the format from the
 * magic bytes, then the duration from the WAV header or by walking the MP3 frames. Throws
 * AudioStreamError from push() as soon as the bytes cannot be audio, and from end() when the
 * file stops before its audio does.
 */
export class AudioStreamProbe {
  private sniffed: Buffer[] = [];
  private format: AudioFormat | undefined;
  private reader: FormatReader | undefined;

  push(chunk: Buffer): void {
    if (this.reader) {
      this.reader.push(chunk);
      return;
    }
    this.sniffed.push(chunk);
    const prefix = Buffer.concat(this.sniffed);
    const sniff = sniffAudioFormat(prefix);
    if (sniff === 'need-more') {
      this.sniffed = [prefix];
      return;
    }
    if (sniff === 'unknown') throw new AudioStreamError('bad-format', 'neither RIFF/WAVE nor MPEG audio');
    this.format = sniff;
    this.reader = sniff === 'wav' ? new WavStreamReader() : new Mp3StreamReader();
    this.sniffed = [];
    this.reader.push(prefix);
  }

  end(): ProbedAudio {
    if (!this.reader || !this.format) throw new AudioStreamError('truncated', 'too few bytes to be audio');
    const durationSeconds = this.reader.end();
    return { format: this.format, contentType: AUDIO_CONTENT_TYPES[this.format], durationSeconds };
  }
}
