import { parseExotelMediaStreamFrame } from '../exotel/exotel-media-stream';
import { parseTwilioMediaStreamFrame } from '../twilio/twilio-media-stream';
import { MEDIA_FRAME_REJECTIONS } from './media-stream-frame';

/**
 * Stand-ins for 10,000 levels of nesting, written into the frame's text: JSON.parse takes such a frame,
 * but String(), Number() or JSON.stringify of the value overflow the stack.
 */
const DEEP = '\u0000deep-array';
const deepObject = '\u0000deep-object';
const NESTED: Record<string, string> = {
  [DEEP]: `${'['.repeat(10_000)}8000${']'.repeat(10_000)}`,
  [deepObject]: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
};
const frameText = (frame: unknown) =>
  JSON.stringify(frame).replace(/"\\u0000deep-(array|object)"/g, (_m, kind) => NESTED[`\u0000deep-${kind}`]);

const twilioStart = (mediaFormat: unknown) =>
  frameText({
    event: 'start',
    start: { streamSid: 'MZ1', callSid: 'CA1', customParameters: {}, mediaFormat },
  });
const exotelStart = (media_format: unknown) =>
  frameText({ event: 'start', start: { stream_sid: 's1', call_sid: 'c1', media_format } });

describe('media stream codecs on hostile frames: a refusal, never an exception', () => {
  it.each<[string, unknown]>([
    ['a deeply nested sample rate', { encoding: 'audio/x-mulaw', sampleRate: DEEP, channels: 1 }],
    ['deeply nested channels', { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: DEEP }],
    ['a deeply nested encoding', { encoding: DEEP }],
    ['a deeply nested object as the format', { encoding: deepObject, sampleRate: 16000 }],
    ['[8000] as the sample rate', { encoding: 'audio/x-mulaw', sampleRate: [8000] }],
  ])('Twilio start with %s is refused as unsupported-format', (_name, mediaFormat) => {
    expect(parseTwilioMediaStreamFrame(twilioStart(mediaFormat))).toMatchObject({
      ok: false,
      reason: 'unsupported-format',
    });
  });

  it.each<[string, unknown]>([
    ['a deeply nested sample rate', { encoding: 'base64', sample_rate: DEEP }],
    ['a deeply nested encoding', { encoding: DEEP, sample_rate: '8000' }],
    ['[16000] as the sample rate', { encoding: 'base64', sample_rate: [16000] }],
    ['"0x3e80" as the sample rate', { encoding: 'base64', sample_rate: '0x3e80' }],
    ['true as the sample rate', { encoding: 'base64', sample_rate: true }],
    ...[0, -1, 1e9, 'abc', 44100, '', null].map((rate): [string, unknown] => [
      `${JSON.stringify(rate)} as the sample rate`,
      { encoding: 'base64', sample_rate: rate },
    ]),
  ])('Exotel start with %s is refused as unsupported-format', (_name, mediaFormat) => {
    expect(parseExotelMediaStreamFrame(exotelStart(mediaFormat))).toMatchObject({
      ok: false,
      reason: 'unsupported-format',
    });
  });

  it('still reads the rates providers send, as numbers or decimal strings', () => {
    for (const rate of [16000, '16000']) {
      const parsed = parseExotelMediaStreamFrame(exotelStart({ encoding: 'base64', sample_rate: rate }));
      expect(parsed.ok && parsed.event.event === 'start' && parsed.event.format).toEqual({
        encoding: 'pcm16',
        sampleRate: 16000,
      });
    }
  });

  it('never throws on a deeply nested value in any field of any event', () => {
    const events = ['connected', 'start', 'media', 'dtmf', 'mark', 'clear', 'stop', 'nope'];
    const shapes = (value: unknown) => [
      { event: value },
      ...events.flatMap((event) => [
        { event, start: value, media: value, dtmf: value, mark: value, stop: value },
        {
          event,
          start: { streamSid: value, callSid: value, customParameters: value, mediaFormat: value, tracks: value },
          media: { payload: value, timestamp: value, chunk: value, track: value },
          dtmf: { digit: value },
          mark: { name: value },
          stop: { reason: value },
        },
        {
          event,
          start: { stream_sid: 's', call_sid: 'c', custom_parameters: { token: value }, media_format: value },
        },
      ]),
    ];
    for (const value of [DEEP, deepObject]) {
      for (const shape of shapes(value)) {
        const text = frameText(shape);
        expect(text.length).toBeGreaterThan(20_000);
        for (const parse of [parseTwilioMediaStreamFrame, (t: string) => parseExotelMediaStreamFrame(t)]) {
          const parsed = parse(text);
          if (!parsed.ok) expect(MEDIA_FRAME_REJECTIONS).toContain(parsed.reason);
        }
      }
    }
  });
});
