import twilio from 'twilio';
import { formEncode, twilioSignature } from './twilio-signature';

const TOKEN = '12345abcdef67890fedcba0987654321';

describe('twilioSignature (checked against the official twilio helper library)', () => {
  const cases: { name: string; url: string; params: Record<string, string | string[]> }[] = [
    {
      name: 'a status callback',
      url: 'https://ingest.example.com/webhooks/twilio/acct-1/status',
      params: { CallSid: 'CA0123', CallStatus: 'ringing', AccountSid: 'AC9', SequenceNumber: '1', To: '+15550000002' },
    },
    {
      name: 'a URL with a query string and a port',
      url: 'http://127.0.0.1:3001/webhooks/twilio/k/status?leg=3&hunt=a%20b',
      params: { CallSid: 'CA1', Digits: '1234#' },
    },
    {
      name: 'a repeated parameter (values sorted)',
      url: 'https://example.com/cb',
      params: { StatusCallbackEvent: ['ringing', 'answered', 'initiated'], To: '+1' },
    },
    {
      name: 'non-ASCII values and names that sort by case',
      url: 'https://example.com/cb',
      params: { caller: 'Zoë', Caller: 'Ünïcode ☎', a: '', B: 'x y+z&=' },
    },
    { name: 'no parameters (a GET)', url: 'https://example.com/voice?CallSid=CA1&From=%2B1555', params: {} },
  ];

  it.each(cases)('is accepted by twilio.validateRequest for $name', ({ url, params }) => {
    const signature = twilioSignature(TOKEN, url, params);
    expect(twilio.validateRequest(TOKEN, signature, url, params)).toBe(true);
    expect(signature).toBe(twilio.getExpectedTwilioSignature(TOKEN, url, params));
  });

  it('is refused when one byte of the body, the URL, the token or the signature changes', () => {
    const url = 'https://example.com/webhooks/twilio/acct/status';
    const params = { CallSid: 'CA0123', CallStatus: 'completed', CallDuration: '42' };
    const signature = twilioSignature(TOKEN, url, params);
    expect(twilio.validateRequest(TOKEN, signature, url, { ...params, CallDuration: '43' })).toBe(false);
    expect(twilio.validateRequest(TOKEN, signature, `${url}x`, params)).toBe(false);
    expect(twilio.validateRequest(`${TOKEN.slice(0, -1)}2`, signature, url, params)).toBe(false);
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(twilio.validateRequest(TOKEN, flipped, url, params)).toBe(false);
  });

  it('posts a body whose parsed parameters are exactly the signed ones', () => {
    const params = { Caller: 'Zoë & co', StatusCallbackEvent: ['ringing', 'answered'], Empty: '' };
    const parsed = new URLSearchParams(formEncode(params));
    expect(parsed.getAll('StatusCallbackEvent')).toEqual(['ringing', 'answered']);
    expect(parsed.get('Caller')).toBe('Zoë & co');
    expect(parsed.get('Empty')).toBe('');
  });
});
