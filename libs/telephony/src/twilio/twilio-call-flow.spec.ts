import { formWebhook } from '../../test/webhook-requests';
import { twilioCallFlowRequest, twilioFallbackFlow } from './twilio-call-flow';
import { dialTwiml } from './twiml';

describe('twilioCallFlowRequest', () => {
  it("turns Twilio's voice request into a calls.v1.flow request", () => {
    const request = formWebhook({
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      CallSid: 'CAe1644a7eed5088b159577c5802d8be38',
      CallStatus: 'in-progress',
      AnsweredBy: 'human',
      Direction: 'outbound-api',
      From: '+15017122661',
      To: '+15558675310',
    });
    expect(twilioCallFlowRequest(request, 'acme')).toEqual({
      provider: 'twilio',
      accountKey: 'acme',
      callId: 'CAe1644a7eed5088b159577c5802d8be38',
      from: '+15017122661',
      to: '+15558675310',
      params: {
        AccountSid: 'AC0123456789abcdef0123456789abcdef',
        CallStatus: 'in-progress',
        AnsweredBy: 'human',
        Direction: 'outbound-api',
      },
      query: {},
    });
  });

  it("carries the query of the URL Twilio called (the orchestrator's call id), first value of each", () => {
    const request = formWebhook(
      { CallSid: 'CAe1644a7eed5088b159577c5802d8be38' },
      'https://hooks.example/webhooks/twilio/acme/voice?call=7d9f1c1e-0000-4000-8000-000000000001&resume=1&resume=2',
    );
    expect(twilioCallFlowRequest(request, 'acme').query).toEqual({
      call: '7d9f1c1e-0000-4000-8000-000000000001',
      resume: '1',
    });
  });

  it('refuses a request without CallSid or not form-encoded', () => {
    expect(() => twilioCallFlowRequest(formWebhook({ From: '+1' }), 'acme')).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    const json = { ...formWebhook({ CallSid: 'CA1' }), headers: { 'content-type': 'application/json' } };
    expect(() => twilioCallFlowRequest(json, 'acme')).toThrow(expect.objectContaining({ status: 415 }));
  });

  it('refuses ids and statuses not in the form Twilio documents, as its callbacks are', () => {
    const refused: Record<string, string>[] = [
      { CallSid: `CA${'a'.repeat(100_000)}` },
      { CallSid: 'CAe1644a7eed5088b159577c5802d8be38\r\n' },
      { CallSid: 'CAe1644a7eed5088b159577c5802d8be38', CallStatus: 'in-progressDirectionoutbound-api' },
    ];
    for (const fields of refused) {
      expect(() => twilioCallFlowRequest(formWebhook(fields), 'acme')).toThrow(
        expect.objectContaining({ status: 400 }),
      );
    }
  });
});

describe('TwiML', () => {
  it('the fallback pauses, then hangs up', () => {
    expect(twilioFallbackFlow(2)).toEqual({
      contentType: 'application/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="2"/><Hangup/></Response>',
    });
  });

  it('escapes what it embeds, so a crafted number cannot add verbs', () => {
    expect(dialTwiml({ sipUri: 'sip:a@b.example?x=1&y="2"</Sip><Hangup/>' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Sip>sip:a@b.example?x=1&#38;y=&#34;2&#34;&#60;/Sip&#62;&#60;Hangup/&#62;</Sip></Dial></Response>',
    );
  });
});
