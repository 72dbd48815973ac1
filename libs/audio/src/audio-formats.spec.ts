import { AudioStreamError, AudioStreamProbe, sniffAudioFormat } from './audio-stream-probe';
import { id3v2TagLength, readFrameHeader, splitFrames } from './mp3-frames';
import { buildWav, parseWav, readWavHeader, WavFormatError, wavHeader } from './wav-format';

/** An 8 kHz MPEG-2.5 layer III frame (16 kbit/s, 144 bytes, 576 samples = 72 ms); the audio is zeros. */
function mp3Frame(): Buffer {
  const frame = Buffer.alloc(144);
  Buffer.from([0xff, 0xe3, 0x28, 0xc4]).copy(frame);
  return frame;
}

function id3v2Tag(bodyBytes: number): Buffer {
  const tag = Buffer.alloc(10 + bodyBytes);
  tag.write('ID3', 0, 'latin1');
  tag[3] = 3;
  // Synchsafe size: 7 bits a byte.
  tag[8] = (bodyBytes >> 7) & 0x7f;
  tag[9] = bodyBytes & 0x7f;
  return tag;
}

/** Feeds `file` to a probe in `chunk`-byte pieces, as a socket would deliver it. */
function probeInChunks(file: Buffer, chunk: number) {
  const probe = new AudioStreamProbe();
  for (let at = 0; at < file.length; at += chunk) probe.push(file.subarray(at, at + chunk));
  return probe.end();
}

const pcmFormat = { sampleRate: 8000, channels: 1, bitsPerSample: 16 };

describe('WAV files', () => {
  it('round-trips and refuses broken files', () => {
    const audio = { ...pcmFormat, data: Buffer.from([1, 0, 2, 0]) };
    expect(parseWav(buildWav(audio))).toEqual(audio);
    expect(() => parseWav(Buffer.from('RIFF0000WAVE'))).toThrow(WavFormatError);
    expect(() => parseWav(buildWav(audio).subarray(0, 42))).toThrow(WavFormatError);
    expect(() => parseWav(buildWav(audio).subarray(0, 46))).toThrow(WavFormatError);
  });

  it('reads the header past extra chunks, and waits while it is incomplete', () => {
    const list = Buffer.alloc(8 + 26);
    list.write('LIST', 0, 'ascii');
    list.writeUInt32LE(26, 4);
    const canonical = wavHeader(pcmFormat, 16000);
    const file = Buffer.concat([canonical.subarray(0, 36), list, canonical.subarray(36)]);
    expect(readWavHeader(file)).toMatchObject({ byteRate: 16000, dataOffset: 44 + 34, dataBytes: 16000 });
    expect(readWavHeader(file.subarray(0, 50))).toBeUndefined();
    expect(() => readWavHeader(Buffer.from('RIFF....AVI LIST'))).toThrow(WavFormatError);
  });
});

describe('MP3 frames', () => {
  it('reads frame headers and refuses what is not one', () => {
    expect(readFrameHeader(Buffer.from([0xff, 0xe3, 0x28, 0xc4]), 0)).toMatchObject({ version: 2.5, frameLength: 144 });
    expect(readFrameHeader(Buffer.from([0xff, 0xfb, 0x90, 0x64]), 0)).toMatchObject({ version: 1, frameLength: 417 });
    expect(readFrameHeader(Buffer.from('RIFF'), 0)).toBeUndefined();
    expect(() => splitFrames(Buffer.from('not an mp3 at all'))).toThrow();
  });

  it('skips an ID3v2 tag in front', () => {
    const file = Buffer.concat([id3v2Tag(300), mp3Frame(), mp3Frame()]);
    expect(id3v2TagLength(file)).toBe(310);
    expect(splitFrames(file).frames).toHaveLength(2);
  });
});

describe('the stream probe', () => {
  const wav = buildWav({ ...pcmFormat, data: Buffer.alloc(3 * 16000 + 8000) });
  const mp3 = Buffer.concat([id3v2Tag(1000), ...Array.from({ length: 125 }, mp3Frame)]);

  it.each([1, 7, 143, 4096, 1 << 20])(
    'reads format and duration however the bytes are split (%i-byte chunks)',
    (chunk) => {
      expect(probeInChunks(wav, chunk)).toEqual({ format: 'wav', contentType: 'audio/wav', durationSeconds: 3.5 });
      expect(probeInChunks(mp3, chunk)).toEqual({ format: 'mp3', contentType: 'audio/mpeg', durationSeconds: 9 });
    },
  );

  it('says truncated when the file stops before its audio does', () => {
    expect(() => probeInChunks(wav.subarray(0, wav.length - 1), 1000)).toThrow(
      expect.objectContaining({ kind: 'truncated' }),
    );
    expect(() => probeInChunks(mp3.subarray(0, mp3.length - 10), 1000)).toThrow(
      expect.objectContaining({ kind: 'truncated' }),
    );
    expect(() => probeInChunks(wav.subarray(0, 30), 1000)).toThrow(expect.objectContaining({ kind: 'truncated' }));
    expect(() => new AudioStreamProbe().end()).toThrow(AudioStreamError);
  });

  it('says bad-format for what is not audio or breaks inside', () => {
    expect(() => probeInChunks(Buffer.from('<html>rate limited</html>'), 1000)).toThrow(
      expect.objectContaining({ kind: 'bad-format' }),
    );
    const spliced = Buffer.concat([mp3Frame(), Buffer.from('garbage!'), mp3Frame()]);
    expect(() => probeInChunks(spliced, 1000)).toThrow(expect.objectContaining({ kind: 'bad-format' }));
  });

  it('takes a streamed WAV whose data size was never filled in to run to the end', () => {
    const header = wavHeader(pcmFormat, 0);
    expect(probeInChunks(Buffer.concat([header, Buffer.alloc(16000)]), 999).durationSeconds).toBe(1);
  });

  it('accepts a trailing ID3v1 tag', () => {
    const tag = Buffer.alloc(128);
    tag.write('TAG', 0, 'latin1');
    expect(probeInChunks(Buffer.concat([mp3Frame(), tag]), 50).durationSeconds).toBeCloseTo(0.072);
  });

  it('sniffs the format from the first bytes', () => {
    expect(sniffAudioFormat(Buffer.from('RIF'))).toBe('need-more');
    expect(sniffAudioFormat(wav.subarray(0, 12))).toBe('wav');
    expect(sniffAudioFormat(Buffer.from('ID3\u0003'))).toBe('mp3');
    expect(sniffAudioFormat(Buffer.from('{"error":1}'))).toBe('unknown');
  });
});
