import {
  answerTwiml,
  connectStreamTwiml,
  digitsThenFlowTwiml,
  digitsTwiml,
  hangUpTwiml,
  keepOpenTwiml,
} from './flow-twiml';

const keep = { pauseSec: 600, resumeUrl: 'http://hooks.test/webhooks/twilio/acme/voice?call=c1&resume=1' };

describe('flow TwiML', () => {
  it('forks the audio to media-stream with the stream token, then holds the line open', () => {
    const xml = answerTwiml(
      { url: 'ws://media.test/media/twilio', name: 'callfleet', token: 'a.b.c', callId: 'c1' },
      keep,
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Start><Stream url="ws://media.test/media/twilio" name="callfleet">' +
        '<Parameter name="token" value="a.b.c"/><Parameter name="callId" value="c1"/></Stream></Start>' +
        '<Pause length="600"/><Redirect method="POST">http://hooks.test/webhooks/twilio/acme/voice?call=c1&#38;resume=1</Redirect></Response>',
    );
  });

  it('connects a bidirectional stream that says so (media-stream plays back only into those), then holds', () => {
    const xml = connectStreamTwiml(
      { url: 'ws://media.test/media/twilio', name: 'callfleet', token: 'a.b.c', callId: 'c1' },
      keep,
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="ws://media.test/media/twilio" name="callfleet">' +
        '<Parameter name="token" value="a.b.c"/><Parameter name="callId" value="c1"/><Parameter name="bidirectional" value="true"/>' +
        '</Stream></Connect><Pause length="600"/><Redirect method="POST">http://hooks.test/webhooks/twilio/acme/voice?call=c1&#38;resume=1</Redirect></Response>',
    );
  });

  it('escapes what goes into the stream parameters', () => {
    const xml = connectStreamTwiml({ url: 'ws://m/x', name: 'n', token: 'a"/><Hangup/>', callId: 'c1' }, keep);
    expect(xml).not.toContain('<Hangup/>');
  });

  it('plays digits then goes back to the flow (a bidirectional call reconnects its stream there)', () => {
    expect(digitsThenFlowTwiml('12#', 'http://hooks.test/voice?call=c1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Play digits="12#"/><Redirect method="POST">http://hooks.test/voice?call=c1</Redirect></Response>',
    );
    expect(() => digitsThenFlowTwiml('1"/><Hangup/>', 'http://x')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
  });

  it('keeps holding on later requests, without a second stream', () => {
    expect(keepOpenTwiml(keep)).not.toContain('<Stream');
    expect(keepOpenTwiml(keep)).toContain('<Pause length="600"/><Redirect');
  });

  it('plays digits and goes back to holding', () => {
    expect(digitsTwiml('1w#', keep)).toContain('<Play digits="1w#"/><Pause length="600"/><Redirect');
  });

  it('refuses digits outside 0-9*#w, so nothing else reaches the TwiML', () => {
    for (const digits of ['1"/><Hangup/><Play digits="2', '12a', '', 'W', '1 2']) {
      expect(() => digitsTwiml(digits, keep)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
    }
  });

  it('hangs up calls it does not want', () => {
    expect(hangUpTwiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
  });
});
