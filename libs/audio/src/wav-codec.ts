import { decodeAlaw, decodeMulaw, encodeMulaw } from './g711';
import { pcm16FromLittleEndian, pcm16ToLittleEndian } from './pcm16';
import {
  isRiffWave,
  readWavHeader,
  WAVE_FORMAT_ALAW,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_MULAW,
  WAVE_FORMAT_PCM,
  WavFormatError,
  wavHeader,
} from './wav-format';

/** How the samples were stored in the file; `samples` is always linear 16-bit. */
export type WavEncoding = 'pcm16' | 'mulaw' | 'alaw';

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  encoding: WavEncoding;
  /** Interleaved when there is more than one channel. */
  samples: Int16Array;
}

function encodingOf(formatTag: number, bitsPerSample: number): WavEncoding | undefined {
  if (formatTag === WAVE_FORMAT_PCM && bitsPerSample === 16) return 'pcm16';
  if (formatTag === WAVE_FORMAT_MULAW && bitsPerSample === 8) return 'mulaw';
  if (formatTag === WAVE_FORMAT_ALAW && bitsPerSample === 8) return 'alaw';
  return undefined;
}

/**
 * Decodes a whole WAV file of 16-bit PCM, μ-law or A-law (plain or WAVE_FORMAT_EXTENSIBLE) to
 * linear samples. Anything else throws a WavFormatError saying what the file holds instead.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readWavHeader(file);
  if (!header) throw new WavFormatError(isRiffWave(file) ? 'no data chunk' : 'not a RIFF/WAVE file');
  const formatTag = header.formatTag === WAVE_FORMAT_EXTENSIBLE ? header.subFormatTag : header.formatTag;
  const encoding = formatTag === undefined ? undefined : encodingOf(formatTag, header.bitsPerSample);
  if (!encoding) {
    const described =
      header.formatTag === WAVE_FORMAT_EXTENSIBLE
        ? `WAVE_FORMAT_EXTENSIBLE with sub-format ${formatTag ?? 'missing'}`
        : `format ${header.formatTag}`;
    throw new WavFormatError(
      `unsupported WAV encoding: ${described}, ${header.bitsPerSample} bits (16-bit PCM, 8-bit μ-law or A-law only)`,
    );
  }
  const available = file.length - header.dataOffset;
  // A streaming writer that never went back to fill in the size leaves 0 or 0xffffffff: data runs to the end.
  const unset = header.dataBytes === 0 || header.dataBytes === 0xffffffff;
  if (!unset && header.dataBytes > available) {
    throw new WavFormatError(`the data chunk declares ${header.dataBytes} bytes, the file holds ${available}`);
  }
  const blockAlign = (header.channels * header.bitsPerSample) / 8;
  const dataBytes = unset ? available - (available % blockAlign) : header.dataBytes;
  if (dataBytes % blockAlign !== 0) {
    throw new WavFormatError(`the data chunk's ${dataBytes} bytes are not whole ${blockAlign}-byte sample frames`);
  }
  const data = new Uint8Array(file.buffer, file.byteOffset + header.dataOffset, dataBytes);
  const samples =
    encoding === 'pcm16' ? pcm16FromLittleEndian(data) : encoding === 'mulaw' ? decodeMulaw(data) : decodeAlaw(data);
  return { sampleRate: header.sampleRate, channels: header.channels, encoding, samples };
}

export interface WavToEncode {
  sampleRate: number;
  /** μ-law files are written as format 7 with the `fact` chunk non-PCM formats carry. */
  encoding: 'pcm16' | 'mulaw';
  /** Mono samples. */
  samples: Int16Array;
}

export function encodeWav(audio: WavToEncode): Uint8Array {
  if (audio.encoding === 'pcm16') {
    const data = pcm16ToLittleEndian(audio.samples);
    return Buffer.concat([
      wavHeader({ sampleRate: audio.sampleRate, channels: 1, bitsPerSample: 16 }, data.length),
      data,
    ]);
  }
  if (audio.encoding !== 'mulaw') throw new WavFormatError(`cannot write a WAV file as ${String(audio.encoding)}`);
  const data = encodeMulaw(audio.samples);
  const padding = data.length % 2;
  const header = Buffer.alloc(58);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(50 + data.length + padding, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(18, 16);
  header.writeUInt16LE(WAVE_FORMAT_MULAW, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(audio.sampleRate, 24);
  header.writeUInt32LE(audio.sampleRate, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.writeUInt16LE(0, 36);
  header.write('fact', 38, 'ascii');
  header.writeUInt32LE(4, 42);
  header.writeUInt32LE(data.length, 46);
  header.write('data', 50, 'ascii');
  header.writeUInt32LE(data.length, 54);
  return Buffer.concat([header, data, Buffer.alloc(padding)]);
}
