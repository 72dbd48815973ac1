import {
  parseTwilioMediaStreamFrame,
  twilioClearMessage,
  twilioMarkMessage,
  twilioMediaMessage,
} from './twilio-media-stream';

const STREAM = 'MZ18ad3ab5a668481ce02b83e7395059f0';
const mulaw160 = Buffer.alloc(160, 0xff);

/** The frames of Twilio's Media Streams documentation, as it sends them. */
const frames = {
  connected: { event: 'connected', protocol: 'Call', version: '1.0.0' },
  start: {
    event: 'start',
    sequenceNumber: '1',
    streamSid: STREAM,
    start: {
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      streamSid: STREAM,
      callSid: 'CA0123456789abcdef0123456789abcdef',
      tracks: ['inbound'],
      customParameters: { token: 'eyJ.x.y', bidirectional: 'true' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
  },
  media: {
    event: 'media',
    sequenceNumber: '3',
    streamSid: STREAM,
    media: { track: 'inbound', chunk: '2', timestamp: '5140', payload: mulaw160.toString('base64') },
  },
  dtmf: { event: 'dtmf', streamSid: STREAM, sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '5' } },
  mark: { event: 'mark', streamSid: STREAM, sequenceNumber: '4', mark: { name: 'prompt-1' } },
  stop: {
    event: 'stop',
    streamSid: STREAM,
    sequenceNumber: '6',
    stop: { accountSid: 'AC0123456789abcdef0123456789abcdef', callSid: 'CA0123456789abcdef0123456789abcdef' },
  },
};

const parse = (frame: unknown) =>
  parseTwilioMediaStreamFrame(typeof frame === 'string' ? frame : JSON.stringify(frame));
const reasonOf = (frame: unknown) => {
  const result = parse(frame);
  return result.ok ? 'accepted' : result.reason;
};
const withMedia = (media: Record<string, unknown>) => ({ ...frames.media, media: { ...frames.media.media, ...media } });

describe('parseTwilioMediaStreamFrame', () => {
  it('reads every event Twilio sends', () => {
    expect(parse(frames.connected)).toEqual({ ok: true, event: { event: 'connected' } });
    expect(parse(frames.start)).toEqual({
      ok: true,
      event: {
        event: 'start',
        streamId: STREAM,
        providerCallId: 'CA0123456789abcdef0123456789abcdef',
        accountId: 'AC0123456789abcdef0123456789abcdef',
        customParameters: { token: 'eyJ.x.y', bidirectional: 'true' },
        format: { encoding: 'mulaw', sampleRate: 8000 },
        tracks: ['inbound'],
      },
    });
    expect(parse(frames.media)).toEqual({
      ok: true,
      event: { event: 'media', payload: mulaw160, timestampMs: 5140, chunk: 2, track: 'inbound' },
    });
    expect(parse(frames.dtmf)).toEqual({ ok: true, event: { event: 'dtmf', digit: '5' } });
    expect(parse(frames.mark)).toEqual({ ok: true, event: { event: 'mark', name: 'prompt-1' } });
    expect(parse(frames.stop)).toEqual({ ok: true, event: { event: 'stop' } });
  });

  it('takes a start without mediaFormat or parameters as μ-law 8 kHz with none', () => {
    const { mediaFormat: _format, customParameters: _parameters, ...start } = frames.start.start;
    const result = parse({ ...frames.start, start });
    expect(result.ok && result.event).toMatchObject({
      format: { encoding: 'mulaw', sampleRate: 8000 },
      customParameters: {},
    });
  });

  it('refuses what is not JSON or not an event, by reason', () => {
    expect(reasonOf('{"event":"media",')).toBe('malformed-json');
    expect(reasonOf('')).toBe('malformed-json');
    expect(reasonOf('[1,2]')).toBe('not-an-event');
    expect(reasonOf('null')).toBe('not-an-event');
    expect(reasonOf({ event: 7 })).toBe('not-an-event');
    expect(reasonOf({ event: 'hangup' })).toBe('unknown-event');
    expect(reasonOf({ event: 'clear', streamSid: STREAM })).toBe('unknown-event');
    // Deep nesting (a 64 KB message holds 30,000 levels) where we read nothing is harmless; where we
    // read, the field is of the wrong type.
    const nested = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect(reasonOf(`{"event":"connected","x":${nested}}`)).toBe('accepted');
    expect(reasonOf(`{"event":"media","media":{"payload":${nested}}}`)).toBe('bad-field');
  });

  it('refuses media that is not strict base64, empty or over the size limit', () => {
    expect(reasonOf(withMedia({ payload: '!!!!' }))).toBe('bad-base64');
    expect(reasonOf(withMedia({ payload: `${mulaw160.toString('base64')}\n` }))).toBe('bad-base64');
    expect(reasonOf(withMedia({ payload: 'AAA' }))).toBe('bad-base64');
    expect(reasonOf(withMedia({ payload: mulaw160.toString('base64url').replace(/=/g, '') + '-_' }))).toBe(
      'bad-base64',
    );
    expect(reasonOf(withMedia({ payload: '' }))).toBe('bad-payload-size');
    expect(reasonOf(withMedia({ payload: Buffer.alloc(64_000).toString('base64') }))).toBe('bad-payload-size');
    expect(reasonOf(withMedia({ payload: 42 }))).toBe('bad-field');
    expect(reasonOf({ ...frames.media, media: 'x' })).toBe('bad-field');
  });

  it('refuses fields of the wrong type', () => {
    expect(reasonOf(withMedia({ timestamp: '-20' }))).toBe('bad-field');
    expect(reasonOf(withMedia({ timestamp: 'soon' }))).toBe('bad-field');
    expect(reasonOf(withMedia({ timestamp: 1.5 }))).toBe('bad-field');
    expect(reasonOf({ ...frames.dtmf, dtmf: { digit: '55' } })).toBe('bad-field');
    expect(reasonOf({ ...frames.dtmf, dtmf: { digit: 'x' } })).toBe('bad-field');
    expect(reasonOf({ ...frames.mark, mark: { name: '' } })).toBe('bad-field');
    expect(reasonOf({ ...frames.start, start: { ...frames.start.start, callSid: undefined } })).toBe('bad-field');
    expect(reasonOf({ ...frames.start, start: { ...frames.start.start, streamSid: 'x'.repeat(300) } })).toBe(
      'bad-field',
    );
    expect(reasonOf({ ...frames.start, start: { ...frames.start.start, customParameters: { token: { a: 1 } } } })).toBe(
      'bad-field',
    );
    expect(reasonOf({ ...frames.start, start: { ...frames.start.start, tracks: 'inbound' } })).toBe('bad-field');
  });

  it('refuses a start in a format other than μ-law 8 kHz mono', () => {
    const start = (mediaFormat: Record<string, unknown>) => ({
      ...frames.start,
      start: { ...frames.start.start, mediaFormat },
    });
    expect(reasonOf(start({ encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 }))).toBe('unsupported-format');
    expect(reasonOf(start({ encoding: 'audio/x-mulaw', sampleRate: 16000, channels: 1 }))).toBe('unsupported-format');
    expect(reasonOf(start({ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 }))).toBe('unsupported-format');
  });
});

describe('what we send Twilio', () => {
  it('writes media, mark and clear as Twilio reads them', () => {
    expect(JSON.parse(twilioMediaMessage(STREAM, new Uint8Array([0xff, 0x7f, 0x00])))).toEqual({
      event: 'media',
      streamSid: STREAM,
      media: { payload: Buffer.from([0xff, 0x7f, 0x00]).toString('base64') },
    });
    expect(JSON.parse(twilioMarkMessage(STREAM, 'end-of-prompt'))).toEqual({
      event: 'mark',
      streamSid: STREAM,
      mark: { name: 'end-of-prompt' },
    });
    expect(JSON.parse(twilioClearMessage(STREAM))).toEqual({ event: 'clear', streamSid: STREAM });
  });

  it('encodes a view into a larger buffer by its own bytes only', () => {
    const backing = new Uint8Array([1, 2, 3, 4, 5]);
    const message = JSON.parse(twilioMediaMessage(STREAM, backing.subarray(1, 3)));
    expect(Buffer.from(message.media.payload, 'base64')).toEqual(Buffer.from([2, 3]));
  });
});
