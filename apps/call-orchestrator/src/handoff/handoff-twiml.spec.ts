import {
  destinationBridgeTwiml,
  handoffApologyTwiml,
  handoffRedirectTwiml,
  handoffRetryTwiml,
  handoffStartTwiml,
} from './handoff-twiml';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?><Response>';
const greeting = { text: 'Please hold, connecting you.', voice: 'alice' };
const action = 'http://hooks.test/webhooks/twilio/acme/voice?call=c1&handoff=7&attempt=1';
const dial = {
  destination: { kind: 'phone' as const, number: '+15550101100', sendDigits: 'ww12#' },
  actionUrl: action,
  timeoutSec: 30,
  callerId: '+15005551000',
};

describe('hand-off TwiML', () => {
  it('tells the person they are being connected, then dials the destination with them on the line', () => {
    expect(handoffStartTwiml(greeting, dial)).toBe(
      `${HEAD}<Say voice="alice">Please hold, connecting you.</Say>` +
        '<Dial action="http://hooks.test/webhooks/twilio/acme/voice?call=c1&#38;handoff=7&#38;attempt=1" method="POST" timeout="30" callerId="+15005551000">' +
        '<Number sendDigits="ww12#">+15550101100</Number></Dial></Response>',
    );
  });

  it('dials a SIP destination with <Sip>, and leaves out what is not set', () => {
    const xml = handoffStartTwiml(greeting, {
      destination: { kind: 'sip', uri: 'sip:queue-1100@pbx.example.com;transport=tls' },
      actionUrl: action,
      timeoutSec: 12,
    });
    expect(xml).toContain('<Dial action="');
    expect(xml).toContain(' timeout="12">');
    expect(xml).not.toContain('callerId');
    expect(xml).toContain('<Sip>sip:queue-1100@pbx.example.com;transport=tls</Sip></Dial>');
    const plain = handoffStartTwiml(greeting, { ...dial, destination: { kind: 'phone', number: '+15550101100' } });
    expect(plain).toContain('<Number>+15550101100</Number>');
  });

  it('escapes the configured messages', () => {
    const xml = handoffStartTwiml({ text: 'Tom & Jerry <say> "hi"', voice: 'Polly.Joanna' }, dial);
    expect(xml).toContain('<Say voice="Polly.Joanna">Tom &#38; Jerry &#60;say&#62; &#34;hi&#34;</Say>');
  });

  it('asks our flow when the destination answers (the whisper URL), before the bridge', () => {
    const xml = handoffStartTwiml(greeting, { ...dial, answeredUrl: 'http://h/v?handoff=7&answered=1' });
    expect(xml).toContain(
      '<Number sendDigits="ww12#" url="http://h/v?handoff=7&#38;answered=1" method="POST">+15550101100</Number>',
    );
    const sip = handoffStartTwiml(greeting, {
      ...dial,
      destination: { kind: 'sip', uri: 'sip:q@pbx.example.com' },
      answeredUrl: 'http://h/v?answered=1',
    });
    expect(sip).toContain('<Sip url="http://h/v?answered=1" method="POST">sip:q@pbx.example.com</Sip>');
    expect(destinationBridgeTwiml()).toBe(`${HEAD}</Response>`);
  });

  it('holds the person with a message and a pause before the next dial', () => {
    const xml = handoffRetryTwiml({ text: 'Still connecting.', voice: 'alice' }, 5, {
      ...dial,
      actionUrl: 'http://h/v?attempt=2',
    });
    expect(xml).toBe(
      `${HEAD}<Say voice="alice">Still connecting.</Say><Pause length="5"/>` +
        '<Dial action="http://h/v?attempt=2" method="POST" timeout="30" callerId="+15005551000"><Number sendDigits="ww12#">+15550101100</Number></Dial></Response>',
    );
  });

  it('apologises before the call ends', () => {
    expect(handoffApologyTwiml({ text: 'Sorry, goodbye.', voice: 'alice' })).toBe(
      `${HEAD}<Say voice="alice">Sorry, goodbye.</Say><Hangup/></Response>`,
    );
  });

  it('sends the call back to the flow', () => {
    expect(handoffRedirectTwiml(action)).toBe(
      `${HEAD}<Redirect method="POST">http://hooks.test/webhooks/twilio/acme/voice?call=c1&#38;handoff=7&#38;attempt=1</Redirect></Response>`,
    );
  });

  it('refuses destinations and digits that are not what they say, so nothing else reaches the TwiML', () => {
    const bad = [
      { kind: 'phone' as const, number: '+1555"/><Hangup/>' },
      { kind: 'phone' as const, number: '5550101100' },
      { kind: 'phone' as const, number: '+15550101100', sendDigits: '1"/><Play>' },
      { kind: 'phone' as const, number: '+15550101100', sendDigits: '12a' },
      { kind: 'sip' as const, uri: 'http://evil.example' },
      { kind: 'sip' as const, uri: 'sip:a@b"><Hangup/>' },
    ];
    for (const destination of bad) {
      expect(() => handoffStartTwiml(greeting, { ...dial, destination })).toThrow(
        expect.objectContaining({ code: 'VALIDATION_ERROR' }),
      );
    }
    expect(() => handoffStartTwiml(greeting, { ...dial, callerId: 'anonymous"' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
  });
});
