import {
  EXOTEL_PLAY_CHUNK_MAX_BYTES,
  exotelClearMessage,
  exotelMarkMessage,
  exotelMediaMessage,
  exotelPlayChunks,
  isExotelPlayChunkSize,
  parseExotelMediaStreamFrame,
} from './exotel-media-stream';

const STREAM = 'a1b2c3d4e5f6';
const pcm = Buffer.alloc(1600, 1);

/** Exotel's documented (snake_case) frames. */
const frames = {
  connected: { event: 'connected' },
  start: {
    event: 'start',
    sequence_number: 1,
    stream_sid: STREAM,
    start: {
      stream_sid: STREAM,
      call_sid: 'c0ffee0123456789',
      account_sid: 'acme1',
      from: '09999999999',
      to: '08888888888',
      custom_parameters: { bidirectional: 'true' },
      media_format: { encoding: 'base64', sample_rate: '16000', bit_rate: '256kbps' },
    },
  },
  media: {
    event: 'media',
    sequence_number: 2,
    stream_sid: STREAM,
    media: { chunk: 1, timestamp: '100', payload: pcm.toString('base64') },
  },
  dtmf: { event: 'dtmf', stream_sid: STREAM, sequence_number: 3, dtmf: { duration: '400', digit: '#' } },
  mark: { event: 'mark', stream_sid: STREAM, sequence_number: 4, mark: { name: 'greeting' } },
  clear: { event: 'clear', stream_sid: STREAM },
  stop: { event: 'stop', stream_sid: STREAM, stop: { call_sid: 'c0ffee0123456789', reason: 'callended' } },
};

const parse = (frame: unknown, format?: Parameters<typeof parseExotelMediaStreamFrame>[1]) =>
  parseExotelMediaStreamFrame(JSON.stringify(frame), format);
const reasonOf = (frame: unknown, format?: Parameters<typeof parseExotelMediaStreamFrame>[1]) => {
  const result = parse(frame, format);
  return result.ok ? 'accepted' : result.reason;
};
const startWith = (start: Record<string, unknown>) => ({ ...frames.start, start: { ...frames.start.start, ...start } });
const formatOf = (mediaFormat: unknown) => {
  const result = parse(startWith({ media_format: mediaFormat }));
  return result.ok && result.event.event === 'start' ? result.event.format : result.ok ? 'not a start' : result.reason;
};

describe('parseExotelMediaStreamFrame', () => {
  it('reads every event Exotel sends, in snake_case', () => {
    expect(parse(frames.connected)).toEqual({ ok: true, event: { event: 'connected' } });
    expect(parse(frames.start)).toEqual({
      ok: true,
      event: {
        event: 'start',
        streamId: STREAM,
        providerCallId: 'c0ffee0123456789',
        accountId: 'acme1',
        customParameters: { bidirectional: 'true' },
        format: { encoding: 'pcm16', sampleRate: 16000 },
      },
    });
    expect(parse(frames.media)).toEqual({
      ok: true,
      event: { event: 'media', payload: pcm, timestampMs: 100, chunk: 1 },
    });
    expect(parse(frames.dtmf)).toEqual({ ok: true, event: { event: 'dtmf', digit: '#' } });
    expect(parse(frames.mark)).toEqual({ ok: true, event: { event: 'mark', name: 'greeting' } });
    expect(parse(frames.clear)).toEqual({ ok: true, event: { event: 'clear' } });
    expect(parse(frames.stop)).toEqual({ ok: true, event: { event: 'stop', reason: 'callended' } });
  });

  it('reads camelCase, as in its sample code', () => {
    const start = {
      event: 'start',
      sequenceNumber: 1,
      streamSid: STREAM,
      start: {
        streamSid: STREAM,
        callSid: 'c0ffee0123456789',
        accountSid: 'acme1',
        customParameters: { a: 'b' },
        mediaFormat: { encoding: 'base64', sampleRate: 24000 },
      },
    };
    expect(parse(start)).toMatchObject({
      ok: true,
      event: {
        streamId: STREAM,
        providerCallId: 'c0ffee0123456789',
        customParameters: { a: 'b' },
        format: { sampleRate: 24000 },
      },
    });
  });

  it('reads the encoding and rate from media_format, defaulting to PCM16 at 8 kHz', () => {
    expect(formatOf(undefined)).toEqual({ encoding: 'pcm16', sampleRate: 8000 });
    expect(formatOf({ encoding: 'base64', sample_rate: 8000 })).toEqual({ encoding: 'pcm16', sampleRate: 8000 });
    expect(formatOf({ encoding: 'audio/x-mulaw', sample_rate: '8000' })).toEqual({
      encoding: 'mulaw',
      sampleRate: 8000,
    });
    expect(formatOf({ encoding: 'audio/x-raw', sample_rate: '16000' })).toEqual({
      encoding: 'pcm16',
      sampleRate: 16000,
    });
    expect(formatOf({ encoding: 'opus', sample_rate: 8000 })).toBe('unsupported-format');
    expect(formatOf({ encoding: 'base64', sample_rate: 44100 })).toBe('unsupported-format');
    expect(formatOf({ encoding: 'base64', sample_rate: 'fast' })).toBe('unsupported-format');
    expect(formatOf({ encoding: 'ulaw', sample_rate: 16000 })).toBe('unsupported-format');
    expect(formatOf('pcm')).toBe('bad-field');
  });

  it('refuses a PCM16 payload with half a sample, but not a μ-law one', () => {
    const odd = { ...frames.media, media: { payload: Buffer.alloc(161).toString('base64') } };
    expect(reasonOf(odd)).toBe('bad-payload-size');
    expect(reasonOf(odd, { encoding: 'pcm16', sampleRate: 16000 })).toBe('bad-payload-size');
    expect(reasonOf(odd, { encoding: 'mulaw', sampleRate: 8000 })).toBe('accepted');
  });

  it('refuses bad frames by reason', () => {
    expect(reasonOf({ ...frames.media, media: { payload: 'not base64!' } })).toBe('bad-base64');
    expect(reasonOf({ ...frames.media, media: { payload: '' } })).toBe('bad-payload-size');
    expect(reasonOf({ ...frames.media, media: undefined })).toBe('bad-field');
    expect(reasonOf(startWith({ stream_sid: undefined }))).toBe('bad-field');
    expect(reasonOf({ event: 'transfer' })).toBe('unknown-event');
    expect(parseExotelMediaStreamFrame('{{').ok).toBe(false);
  });
});

describe('what we send Exotel', () => {
  it('accepts only chunks of a multiple of 320 bytes from 3.2 KB to 100 KB', () => {
    expect(isExotelPlayChunkSize(3200)).toBe(true);
    expect(isExotelPlayChunkSize(3520)).toBe(true);
    expect(isExotelPlayChunkSize(EXOTEL_PLAY_CHUNK_MAX_BYTES)).toBe(true);
    expect(isExotelPlayChunkSize(2880)).toBe(false);
    expect(isExotelPlayChunkSize(3300)).toBe(false);
    expect(isExotelPlayChunkSize(EXOTEL_PLAY_CHUNK_MAX_BYTES + 320)).toBe(false);
    expect(() => exotelMediaMessage(STREAM, Buffer.alloc(320))).toThrow(RangeError);
  });

  it('writes media, mark and clear in snake_case', () => {
    const chunk = Buffer.alloc(3200, 7);
    expect(JSON.parse(exotelMediaMessage(STREAM, chunk))).toEqual({
      event: 'media',
      stream_sid: STREAM,
      media: { payload: chunk.toString('base64') },
    });
    expect(JSON.parse(exotelMarkMessage(STREAM, 'm1'))).toEqual({
      event: 'mark',
      stream_sid: STREAM,
      mark: { name: 'm1' },
    });
    expect(JSON.parse(exotelClearMessage(STREAM))).toEqual({ event: 'clear', stream_sid: STREAM });
  });

  it('cuts audio into allowed chunks, keeping the rest until flushed, then padding it with silence', () => {
    const audio = Buffer.alloc(7000, 9);
    const held = exotelPlayChunks(audio, false);
    expect(held.chunks.map((c) => c.length)).toEqual([3200, 3200]);
    expect(held.rest.length).toBe(600);
    const flushed = exotelPlayChunks(audio, true);
    expect(flushed.chunks.map((c) => c.length)).toEqual([3200, 3840]);
    expect(flushed.rest.length).toBe(0);
    const last = flushed.chunks[1];
    expect(last.subarray(0, 3800).every((b) => b === 9)).toBe(true);
    expect(last.subarray(3800).every((b) => b === 0)).toBe(true);
    expect(exotelPlayChunks(Buffer.alloc(640, 9), true).chunks.map((c) => c.length)).toEqual([3200]);
    expect(exotelPlayChunks(Buffer.alloc(0), true).chunks).toEqual([]);
    expect(exotelPlayChunks(Buffer.alloc(4000), true, 3333).chunks.map((c) => c.length)).toEqual([4160]);
    expect(exotelPlayChunks(Buffer.alloc(5000), true).chunks.map((c) => c.length)).toEqual([5120]);
  });
});
