import { Webhook } from 'standardwebhooks';
import type { WebhookRequest } from '../webhooks/webhook-request';
import { signStandardWebhook, verifyStandardWebhookRequest, withinTolerance } from './standard-webhooks-signature';

const secret = `whsec_${Buffer.from('a-32-byte-key-for-the-test-suite').toString('base64')}`;
const payload = JSON.stringify({ type: 'call.ended', timestamp: '2025-03-01T12:00:00Z', data: { callId: 'c-1' } });
const msgId = 'msg_2Lh9KRb0pzN4LePd3XiA4v12Axj';

function signedRequest(at: Date, body = payload): WebhookRequest {
  const signature = new Webhook(secret).sign(msgId, at, body);
  return {
    method: 'POST',
    url: 'https://hooks.callfleet.example/webhooks/generic/acme',
    headers: {
      'content-type': 'application/json',
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    rawBody: Buffer.from(body),
  };
}

describe('Standard Webhooks signatures', () => {
  const now = Date.now();

  it('accepts a request signed with the standardwebhooks package', () => {
    expect(verifyStandardWebhookRequest(signedRequest(new Date(now)), { signingSecret: secret }, now)).toBe(true);
  });

  it('refuses a timestamp 6 minutes old, and 6 minutes ahead', () => {
    const old = signedRequest(new Date(now - 6 * 60_000));
    const ahead = signedRequest(new Date(now + 6 * 60_000));
    expect(verifyStandardWebhookRequest(old, { signingSecret: secret }, now)).toBe(false);
    expect(verifyStandardWebhookRequest(ahead, { signingSecret: secret }, now)).toBe(false);
  });

  it('takes timestamps up to 300 s away either way, both bounds included, and refuses 301 s', () => {
    const verifyAt = (nowMs: number, timestampSec: number) => {
      const request = signedRequest(new Date(timestampSec * 1000));
      return verifyStandardWebhookRequest(request, { signingSecret: secret }, nowMs);
    };
    const second = 1_767_225_600;
    for (const nowMs of [second * 1000, second * 1000 + 500, second * 1000 + 999]) {
      const nowSec = nowMs / 1000;
      // The timestamps closest to ±300 s and ±301 s that whole seconds allow, on the right side of each bound.
      expect(verifyAt(nowMs, Math.ceil(nowSec - 300))).toBe(true);
      expect(verifyAt(nowMs, Math.floor(nowSec + 300))).toBe(true);
      expect(verifyAt(nowMs, Math.floor(nowSec - 300.001))).toBe(false);
      expect(verifyAt(nowMs, Math.ceil(nowSec + 300.001))).toBe(false);
      expect(verifyAt(nowMs, Math.floor(nowSec - 301))).toBe(false);
      expect(verifyAt(nowMs, Math.ceil(nowSec + 301))).toBe(false);
    }
  });

  it('measures the window to the millisecond', () => {
    const nowMs = 1_767_225_600_000;
    expect(withinTolerance(nowMs / 1000 - 300, nowMs, 300)).toBe(true);
    expect(withinTolerance(nowMs / 1000 + 300, nowMs, 300)).toBe(true);
    expect(withinTolerance(nowMs / 1000 - 301, nowMs, 300)).toBe(false);
    expect(withinTolerance(nowMs / 1000 + 301, nowMs, 300)).toBe(false);
    // 300.5 s old: the window has closed, though the timestamp's second and now's second are 300 apart.
    expect(withinTolerance(nowMs / 1000 - 300, nowMs + 500, 300)).toBe(false);
    expect(withinTolerance(nowMs / 1000 + 300, nowMs - 500, 300)).toBe(false);
  });

  it('accepts 4 minutes of clock skew either way', () => {
    expect(
      verifyStandardWebhookRequest(signedRequest(new Date(now - 4 * 60_000)), { signingSecret: secret }, now),
    ).toBe(true);
    expect(
      verifyStandardWebhookRequest(signedRequest(new Date(now + 4 * 60_000)), { signingSecret: secret }, now),
    ).toBe(true);
  });

  it('refuses a changed body, id or timestamp', () => {
    const request = signedRequest(new Date(now));
    const opts = { signingSecret: secret };
    expect(
      verifyStandardWebhookRequest({ ...request, rawBody: Buffer.from(payload.replace('c-1', 'c-2')) }, opts, now),
    ).toBe(false);
    expect(
      verifyStandardWebhookRequest(
        { ...request, headers: { ...request.headers, 'webhook-id': `${msgId}x` } },
        opts,
        now,
      ),
    ).toBe(false);
    const shifted = String(Number(request.headers['webhook-timestamp']) - 1);
    expect(
      verifyStandardWebhookRequest(
        { ...request, headers: { ...request.headers, 'webhook-timestamp': shifted } },
        opts,
        now,
      ),
    ).toBe(false);
  });

  it('accepts any matching v1 signature of several (secret rotation) and ignores other versions', () => {
    const request = signedRequest(new Date(now));
    const header = `v1a,abc v1,Zm9vYmFy ${request.headers['webhook-signature']}`;
    expect(
      verifyStandardWebhookRequest(
        { ...request, headers: { ...request.headers, 'webhook-signature': header } },
        {
          signingSecret: secret,
        },
        now,
      ),
    ).toBe(true);
  });

  it('fails closed without a secret or with a malformed one', () => {
    const request = signedRequest(new Date(now));
    expect(verifyStandardWebhookRequest(request, {}, now)).toBe(false);
    expect(verifyStandardWebhookRequest(request, { signingSecret: 'whsec_' }, now)).toBe(false);
    expect(verifyStandardWebhookRequest(request, { signingSecret: 'whsec_%%%' }, now)).toBe(false);
  });

  it('signs what the reference library verifies (for senders and tests)', () => {
    const ts = Math.floor(now / 1000);
    const signature = signStandardWebhook(secret, msgId, ts, payload);
    const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
  });
});
