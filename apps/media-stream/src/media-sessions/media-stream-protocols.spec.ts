import { decodeMulaw, encodeMulaw, pcm16ToLittleEndian } from '@callfleet/audio';
import type { MediaStreamStart } from '@callfleet/telephony';
import { LinearUpsampler, MEDIA_STREAM_PROTOCOLS, MediaDecoder } from './media-stream-protocols';

const start = (customParameters: Record<string, string>): MediaStreamStart => ({
  event: 'start',
  streamId: 'MZ1',
  providerCallId: 'CA1',
  customParameters,
  format: { encoding: 'mulaw', sampleRate: 8000 },
});
const sine = (rate: number, samples: number, hz = 400) =>
  Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)));

describe('MediaDecoder', () => {
  it('decodes μ-law exactly as G.711 says', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(new MediaDecoder({ encoding: 'mulaw', sampleRate: 8000 }).decode(Buffer.from(codes))).toEqual(
      decodeMulaw(codes),
    );
  });

  it('reads PCM16 LE at 8 kHz as is, and brings 16 and 24 kHz down to 8 kHz', () => {
    const pcm = sine(8000, 160);
    expect(
      new MediaDecoder({ encoding: 'pcm16', sampleRate: 8000 }).decode(Buffer.from(pcm16ToLittleEndian(pcm))),
    ).toEqual(pcm);
    for (const rate of [16000, 24000] as const) {
      const decoder = new MediaDecoder({ encoding: 'pcm16', sampleRate: rate });
      let out = 0;
      for (let c = 0; c < 10; c++)
        out += decoder.decode(Buffer.from(pcm16ToLittleEndian(sine(rate, rate / 10)))).length;
      expect(out).toBe(8000);
    }
  });
});

describe('LinearUpsampler', () => {
  it('multiplies the samples, interpolating between them across chunks', () => {
    const up = new LinearUpsampler(2);
    expect(up.push(Int16Array.from([100, 200]))).toEqual(Int16Array.from([50, 100, 150, 200]));
    expect(up.push(Int16Array.from([0]))).toEqual(Int16Array.from([100, 0]));
    expect(new LinearUpsampler(3).push(Int16Array.from([300]))).toEqual(Int16Array.from([100, 200, 300]));
    const same = Int16Array.from([1, 2]);
    expect(new LinearUpsampler(1).push(same)).toBe(same);
  });
});

describe('MEDIA_STREAM_PROTOCOLS', () => {
  it('finds the Twilio token and bidirectional flag among the custom parameters', () => {
    const twilio = MEDIA_STREAM_PROTOCOLS.twilio;
    const query = new URLSearchParams('token=from-url&bidirectional=true');
    expect(twilio.token(start({ token: 't1' }), query)).toBe('t1');
    expect(twilio.token(start({}), query)).toBeUndefined();
    expect(twilio.bidirectional(start({ bidirectional: 'true' }), new URLSearchParams())).toBe(true);
    expect(twilio.bidirectional(start({ bidirectional: 'no' }), query)).toBe(false);
    expect(twilio.callId(start({ callId: 'c1' }), query)).toBe('c1');
  });

  it('takes the Exotel token from the URL first, then the custom parameters', () => {
    const exotel = MEDIA_STREAM_PROTOCOLS.exotel;
    expect(exotel.token(start({ token: 'param' }), new URLSearchParams('token=url'))).toBe('url');
    expect(exotel.token(start({ token: 'param' }), new URLSearchParams())).toBe('param');
    expect(exotel.bidirectional(start({}), new URLSearchParams('bidirectional=1'))).toBe(true);
    expect(exotel.bidirectional(start({ bidirectional: 'true' }), new URLSearchParams())).toBe(true);
    expect(exotel.bidirectional(start({}), new URLSearchParams())).toBe(false);
  });

  it('encodes Twilio play audio as one μ-law message per 20 ms frame', () => {
    const encoder = MEDIA_STREAM_PROTOCOLS.twilio.playEncoder('MZ1', { encoding: 'mulaw', sampleRate: 8000 });
    const pcm = sine(8000, 400);
    const messages = encoder.encode(pcm).map((m) => JSON.parse(m));
    expect(messages.map((m) => Buffer.from(m.media.payload, 'base64').length)).toEqual([160, 160, 80]);
    expect(Buffer.concat(messages.map((m) => Buffer.from(m.media.payload, 'base64')))).toEqual(
      Buffer.from(encodeMulaw(pcm)),
    );
    expect(JSON.parse(encoder.clear())).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });
});
