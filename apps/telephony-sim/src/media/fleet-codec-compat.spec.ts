import { encodeMulaw, pcm16ToLittleEndian } from '@callfleet/audio';
import {
  exotelClearMessage,
  exotelMarkMessage,
  exotelMediaMessage,
  parseExotelMediaStreamFrame,
  parseTwilioMediaStreamFrame,
  twilioClearMessage,
  twilioMarkMessage,
  twilioMediaMessage,
} from '@callfleet/telephony';
import { exotelMessages, readInbound, twilioMessages } from './stream-protocol';

const id = {
  streamSid: 'MZ0123456789abcdef0123456789abcdef',
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  callSid: 'CA0123456789abcdef0123456789abcdef',
  from: '+15005550006',
  to: '+15550000001',
  customParameters: { token: 'stream-token' },
};

/** The simulator and media-stream must agree on the wire: each reads what the other writes, with the fleet's own codecs. */
describe("the simulator's stream messages and the fleet's media-stream codecs", () => {
  const frame = Buffer.from(encodeMulaw(new Int16Array(160).fill(1000))).toString('base64');
  const chunk = Buffer.from(pcm16ToLittleEndian(new Int16Array(1600).fill(1000))).toString('base64');

  it('every Twilio message the simulator sends parses as Twilio', () => {
    const sent = [
      twilioMessages.connected(),
      twilioMessages.start(id, 1, ['inbound']),
      twilioMessages.media(id, 2, 'inbound', 1, 0, frame),
      twilioMessages.dtmf(id, 3, '#'),
      twilioMessages.mark(id, 4, 'm'),
      twilioMessages.stop(id, 5),
    ];
    const parsed = sent.map((m) => parseTwilioMediaStreamFrame(JSON.stringify(m)));
    expect(parsed.map((p) => (p.ok ? p.event.event : p.detail))).toEqual([
      'connected',
      'start',
      'media',
      'dtmf',
      'mark',
      'stop',
    ]);
    expect(parsed[1]).toMatchObject({
      ok: true,
      event: { streamId: id.streamSid, customParameters: { token: 'stream-token' } },
    });
    expect(parsed[2]).toMatchObject({ ok: true, event: { timestampMs: 0, chunk: 1 } });
  });

  it('every Exotel message the simulator sends parses as Exotel, at 8 and 16 kHz', () => {
    for (const rate of [8000, 16000]) {
      const start = parseExotelMediaStreamFrame(JSON.stringify(exotelMessages.start(id, 1, rate)));
      expect(start).toMatchObject({
        ok: true,
        event: { event: 'start', format: { encoding: 'pcm16', sampleRate: rate } },
      });
      const format = start.ok && start.event.event === 'start' ? start.event.format : undefined;
      const rest = [
        exotelMessages.connected(),
        exotelMessages.media(id, 2, 1, 100, chunk),
        exotelMessages.dtmf(id, 3, '5'),
        exotelMessages.mark(id, 4, 'm'),
        exotelMessages.stop(id, 5),
      ].map((m) => parseExotelMediaStreamFrame(JSON.stringify(m), format));
      expect(rest.map((p) => (p.ok ? p.event.event : p.detail))).toEqual([
        'connected',
        'media',
        'dtmf',
        'mark',
        'stop',
      ]);
    }
  });

  it("reads what media-stream sends back with the fleet's codecs", () => {
    const mulaw = encodeMulaw(new Int16Array(160).fill(500));
    expect(readInbound('twilio', twilioMediaMessage(id.streamSid, mulaw), id.streamSid)).toEqual({
      kind: 'media',
      bytes: Buffer.from(mulaw),
    });
    expect(readInbound('twilio', twilioMarkMessage(id.streamSid, 'said'), id.streamSid)).toEqual({
      kind: 'mark',
      name: 'said',
    });
    expect(readInbound('twilio', twilioClearMessage(id.streamSid), id.streamSid)).toEqual({ kind: 'clear' });
    const pcm = pcm16ToLittleEndian(new Int16Array(1600).fill(500));
    expect(readInbound('exotel', exotelMediaMessage(id.streamSid, pcm), id.streamSid)).toMatchObject({ kind: 'media' });
    expect(readInbound('exotel', exotelMarkMessage(id.streamSid, 'said'), id.streamSid)).toEqual({
      kind: 'mark',
      name: 'said',
    });
    expect(readInbound('exotel', exotelClearMessage(id.streamSid), id.streamSid)).toEqual({ kind: 'clear' });
  });
});
