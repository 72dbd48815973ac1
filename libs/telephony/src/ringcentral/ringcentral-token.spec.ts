import type { WebhookRequest } from '../webhooks/webhook-request';
import { ringCentralHandshakeToken, verifyRingCentralToken } from './ringcentral-token';

const notification = Buffer.from(
  JSON.stringify({ uuid: 'u-1', event: '/restapi/v1.0/account/~/extension/~/telephony/sessions' }),
);

function request(headers: Record<string, string>, rawBody = notification): WebhookRequest {
  return { method: 'POST', url: 'https://hooks.callfleet.example/webhooks/ringcentral/acme', headers, rawBody };
}

describe('RingCentral verification token', () => {
  const secrets = { verificationToken: 'vt-3f0c2a7e9b' };

  it('accepts the token we set, in Verification-Token or Validation-Token', () => {
    expect(verifyRingCentralToken(request({ 'verification-token': 'vt-3f0c2a7e9b' }), secrets)).toBe(true);
    expect(verifyRingCentralToken(request({ 'Validation-Token': 'vt-3f0c2a7e9b' }), secrets)).toBe(true);
  });

  it('refuses another token, none, or an account without one', () => {
    expect(verifyRingCentralToken(request({ 'verification-token': 'vt-3f0c2a7e9c' }), secrets)).toBe(false);
    expect(verifyRingCentralToken(request({}), secrets)).toBe(false);
    expect(verifyRingCentralToken(request({ 'verification-token': '' }), { verificationToken: '' })).toBe(false);
  });
});

describe('RingCentral subscription handshake', () => {
  it('echoes the Validation-Token of an empty-bodied request', () => {
    expect(ringCentralHandshakeToken(request({ 'validation-token': 'a1b2-c3d4' }, Buffer.alloc(0)))).toBe('a1b2-c3d4');
  });

  it('is not a handshake when a notification body is present', () => {
    expect(ringCentralHandshakeToken(request({ 'validation-token': 'a1b2-c3d4' }))).toBeUndefined();
  });

  it('never echoes a token that could split the response header', () => {
    expect(
      ringCentralHandshakeToken(request({ 'validation-token': 'a\r\nSet-Cookie: x=1' }, Buffer.alloc(0))),
    ).toBeUndefined();
    expect(
      ringCentralHandshakeToken(request({ 'validation-token': 'x'.repeat(600) }, Buffer.alloc(0))),
    ).toBeUndefined();
  });
});
