import { exotelMessages, readInbound, twilioMessages } from './stream-protocol';

const id = {
  streamSid: 'MZ0123',
  accountSid: 'AC0123',
  callSid: 'CA0123',
  from: '+15005550006',
  to: '+15550000001',
  customParameters: { token: 't0k', leg: 'L1' },
};

describe('media stream messages', () => {
  it('writes Twilio messages as Twilio does: strings for numbers, streamSid at the top level', () => {
    expect(twilioMessages.connected()).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(twilioMessages.start(id, 1, ['inbound'])).toEqual({
      event: 'start',
      sequenceNumber: '1',
      streamSid: 'MZ0123',
      start: {
        accountSid: 'AC0123',
        streamSid: 'MZ0123',
        callSid: 'CA0123',
        tracks: ['inbound'],
        customParameters: { token: 't0k', leg: 'L1' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    expect(twilioMessages.media(id, 2, 'inbound', 1, 0, 'AAAA')).toEqual({
      event: 'media',
      sequenceNumber: '2',
      streamSid: 'MZ0123',
      media: { track: 'inbound', chunk: '1', timestamp: '0', payload: 'AAAA' },
    });
    expect(twilioMessages.dtmf(id, 3, '5')).toMatchObject({ dtmf: { track: 'inbound_track', digit: '5' } });
    expect(twilioMessages.stop(id, 4)).toEqual({
      event: 'stop',
      sequenceNumber: '4',
      streamSid: 'MZ0123',
      stop: { accountSid: 'AC0123', callSid: 'CA0123' },
    });
  });

  it("writes Exotel's in snake_case with the sample rate in media_format", () => {
    expect(exotelMessages.start(id, 1, 16000)).toEqual({
      event: 'start',
      sequence_number: '1',
      stream_sid: 'MZ0123',
      start: {
        stream_sid: 'MZ0123',
        call_sid: 'CA0123',
        account_sid: 'AC0123',
        from: '+15005550006',
        to: '+15550000001',
        custom_parameters: { token: 't0k', leg: 'L1' },
        media_format: { encoding: 'base64', sample_rate: '16000', bit_rate: '256kbps' },
      },
    });
    expect(exotelMessages.media(id, 2, 1, 0, 'AAAA')).toEqual({
      event: 'media',
      sequence_number: '2',
      stream_sid: 'MZ0123',
      media: { chunk: '1', timestamp: '0', payload: 'AAAA' },
    });
    expect(exotelMessages.stop(id, 9).stop).toEqual({ call_sid: 'CA0123', account_sid: 'AC0123', reason: 'callended' });
  });

  it('reads what our side sends back, and says why it ignores the rest', () => {
    const payload = Buffer.from([1, 2, 3, 4]).toString('base64');
    expect(
      readInbound('twilio', JSON.stringify({ event: 'media', streamSid: 'MZ0123', media: { payload } }), 'MZ0123'),
    ).toEqual({
      kind: 'media',
      bytes: Buffer.from([1, 2, 3, 4]),
    });
    expect(readInbound('twilio', '{"event":"mark","streamSid":"MZ0123","mark":{"name":"m1"}}', 'MZ0123')).toEqual({
      kind: 'mark',
      name: 'm1',
    });
    expect(readInbound('twilio', '{"event":"clear","streamSid":"MZ0123"}', 'MZ0123')).toEqual({ kind: 'clear' });
    // Exotel's documentation snake_cases, its sample code camelCases.
    expect(readInbound('exotel', '{"event":"clear","stream_sid":"MZ0123"}', 'MZ0123')).toEqual({ kind: 'clear' });
    expect(readInbound('exotel', '{"event":"clear","streamSid":"MZ0123"}', 'MZ0123')).toEqual({ kind: 'clear' });

    const reason = (raw: string, provider: 'twilio' | 'exotel' = 'twilio') => {
      const read = readInbound(provider, raw, 'MZ0123');
      return read.kind === 'invalid' ? read.reason : read.kind;
    };
    expect(reason('{not json')).toBe('not JSON');
    expect(reason('[1]')).toBe('message for another streamSid');
    expect(reason('{"event":"clear","streamSid":"MZ9999"}')).toBe('clear for another streamSid');
    expect(reason('{"event":"media","streamSid":"MZ0123","media":{"payload":"@@@@"}}')).toBe(
      'media.payload is not base64',
    );
    expect(reason('{"event":"media","stream_sid":"MZ0123","media":{"payload":"AQID"}}', 'exotel')).toBe(
      'media.payload is not whole 16-bit samples',
    );
    expect(reason('{"event":"mark","streamSid":"MZ0123","mark":{}}')).toBe('mark.name is missing');
    expect(reason('{"event":"dance","streamSid":"MZ0123"}')).toBe('unknown event "dance"');
    expect(reason(`{"event":"media","streamSid":"MZ0123","media":{"payload":"${'A'.repeat(300_000)}"}}`)).toBe(
      'message too large',
    );
  });
});
