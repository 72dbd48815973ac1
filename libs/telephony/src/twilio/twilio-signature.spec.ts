import {
  getExpectedBodyHash,
  getExpectedTwilioSignature,
  validateRequest,
  validateRequestWithBody,
} from 'twilio/lib/webhooks/webhooks';
import type { WebhookRequest } from '../webhooks/webhook-request';
import { computeTwilioSignature, twilioSignedUrlCandidates, verifyTwilioWebhook } from './twilio-signature';

const authToken = '12345678901234567890123456789012';
const url = 'https://hooks.callfleet.example/webhooks/twilio/acme/status?org=7';
const statusCallback: Record<string, string | string[]> = {
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  ApiVersion: '2010-04-01',
  CallSid: 'CAe1644a7eed5088b159577c5802d8be38',
  CallStatus: 'ringing',
  Called: '+15558675310',
  Caller: '+15017122661',
  Direction: 'outbound-api',
  From: '+15017122661',
  SequenceNumber: '1',
  Timestamp: 'Tue, 14 Jan 2025 17:03:41 +0000',
  To: '+15558675310',
  CallbackSource: 'call-progress-events',
  // Repeated parameters sign every distinct value, sorted.
  Tag: ['vip', 'hunt', 'vip'],
};

function formBody(params: Record<string, string | string[]>): Buffer {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return Buffer.from(form.toString());
}

function formRequest(requestUrl: string, body: Buffer, signature: string): WebhookRequest {
  return {
    method: 'POST',
    url: requestUrl,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    rawBody: body,
  };
}

function flipOneByte(text: string, index: number): string {
  const chars = [...text];
  chars[index] = chars[index] === 'A' ? 'B' : 'A';
  return chars.join('');
}

describe('Twilio X-Twilio-Signature (form bodies)', () => {
  const signature = getExpectedTwilioSignature(authToken, url, statusCallback);
  const body = formBody(statusCallback);

  it('computes exactly what the official helper library computes', () => {
    expect(computeTwilioSignature(authToken, url, statusCallback)).toBe(signature);
    expect(
      validateRequest(authToken, computeTwilioSignature(authToken, url, statusCallback), url, statusCallback),
    ).toBe(true);
  });

  it('accepts a request signed by twilio', () => {
    expect(verifyTwilioWebhook(formRequest(url, body, signature), { signingSecret: authToken })).toBe(true);
  });

  it('refuses one changed byte in the body', () => {
    const tampered = Buffer.from(body);
    const at = tampered.indexOf('ringing');
    tampered[at] = 'R'.charCodeAt(0);
    expect(verifyTwilioWebhook(formRequest(url, tampered, signature), { signingSecret: authToken })).toBe(false);
  });

  it('refuses one changed byte in the URL', () => {
    const tamperedUrl = url.replace('acme', 'acmf');
    expect(verifyTwilioWebhook(formRequest(tamperedUrl, body, signature), { signingSecret: authToken })).toBe(false);
  });

  it('refuses one changed byte in the signature', () => {
    expect(verifyTwilioWebhook(formRequest(url, body, flipOneByte(signature, 5)), { signingSecret: authToken })).toBe(
      false,
    );
  });

  it('refuses a missing signature, a missing token and another account’s token', () => {
    const unsigned: WebhookRequest = { ...formRequest(url, body, signature), headers: {} };
    expect(verifyTwilioWebhook(unsigned, { signingSecret: authToken })).toBe(false);
    expect(verifyTwilioWebhook(formRequest(url, body, signature), {})).toBe(false);
    expect(verifyTwilioWebhook(formRequest(url, body, signature), { signingSecret: 'f'.repeat(32) })).toBe(false);
  });

  it('refuses a dropped repeated value', () => {
    const fewer = formBody({ ...statusCallback, Tag: ['vip'] });
    expect(verifyTwilioWebhook(formRequest(url, fewer, signature), { signingSecret: authToken })).toBe(false);
  });

  it('accepts the URL with or without the default port, whichever form Twilio signed', () => {
    const withPort = 'https://hooks.callfleet.example:443/webhooks/twilio/acme/status?org=7';
    const signedWithPort = getExpectedTwilioSignature(authToken, withPort, statusCallback);
    expect(verifyTwilioWebhook(formRequest(url, body, signedWithPort), { signingSecret: authToken })).toBe(true);
    expect(verifyTwilioWebhook(formRequest(withPort, body, signature), { signingSecret: authToken })).toBe(true);
    expect(validateRequest(authToken, signature, withPort, statusCallback)).toBe(true);
  });

  it('accepts a signature over the escaped URL when the server sees the unescaped one', () => {
    const raw = "https://hooks.callfleet.example/webhooks/twilio/acme/status?name=O'Brien";
    const escapedSignature = getExpectedTwilioSignature(authToken, new URL(raw).toString(), statusCallback);
    expect(validateRequest(authToken, escapedSignature, raw, statusCallback)).toBe(true);
    expect(verifyTwilioWebhook(formRequest(raw, body, escapedSignature), { signingSecret: authToken })).toBe(true);
  });
});

describe('Twilio X-Twilio-Signature (JSON bodies, bodySHA256)', () => {
  const json = JSON.stringify({ CallSid: 'CAe1644a7eed5088b159577c5802d8be38', CallStatus: 'completed' });
  const jsonUrl = `https://hooks.callfleet.example/webhooks/twilio/acme/status?bodySHA256=${getExpectedBodyHash(json)}`;
  const signature = getExpectedTwilioSignature(authToken, jsonUrl, {});

  function jsonRequest(requestUrl: string, body: string, sig: string): WebhookRequest {
    return {
      method: 'POST',
      url: requestUrl,
      headers: { 'content-type': 'application/json', 'x-twilio-signature': sig },
      rawBody: Buffer.from(body),
    };
  }

  it('accepts what twilio signs and validateRequestWithBody accepts', () => {
    expect(validateRequestWithBody(authToken, signature, jsonUrl, json)).toBe(true);
    expect(verifyTwilioWebhook(jsonRequest(jsonUrl, json, signature), { signingSecret: authToken })).toBe(true);
  });

  it('refuses one changed byte in the body, the URL or the signature', () => {
    const opts = { signingSecret: authToken };
    expect(verifyTwilioWebhook(jsonRequest(jsonUrl, json.replace('completed', 'completee'), signature), opts)).toBe(
      false,
    );
    expect(verifyTwilioWebhook(jsonRequest(jsonUrl.replace('acme', 'acmf'), json, signature), opts)).toBe(false);
    expect(verifyTwilioWebhook(jsonRequest(jsonUrl, json, flipOneByte(signature, 3)), opts)).toBe(false);
  });
});

describe('twilioSignedUrlCandidates', () => {
  it('tries the URL as received, with and without the default port', () => {
    expect(twilioSignedUrlCandidates('http://a.example/x')).toEqual(
      expect.arrayContaining(['http://a.example/x', 'http://a.example:80/x']),
    );
    expect(twilioSignedUrlCandidates('https://a.example:443/x')).toEqual(
      expect.arrayContaining(['https://a.example/x', 'https://a.example:443/x']),
    );
  });

  it('keeps IPv6 literals intact', () => {
    expect(twilioSignedUrlCandidates('http://[::1]:80/x')).toEqual(expect.arrayContaining(['http://[::1]/x']));
  });
});
