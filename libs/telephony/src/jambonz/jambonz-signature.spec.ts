import { createHmac } from 'node:crypto';
import type { WebhookRequest } from '../webhooks/webhook-request';
import { verifyJambonzWebhook } from './jambonz-signature';

const secret = 'wh_secret_cJqgFEhmB8TmwnXpxW3gD9';
const body = {
  call_sid: 'b5e39996-bd2f-4bda-b928-355147186a2a',
  direction: 'outbound',
  from: '+441173185201',
  to: '+441303763875',
  call_id: '7ade3efb-7163-123b-e6ba-023fd61c5256',
  sip_status: 180,
  sip_reason: 'Ringing',
  call_status: 'ringing',
  account_sid: '300be250-5a79-46bd-8393-45e7d26c2e34',
};

/** What jambonz's own signer does: HMAC-SHA256 over "<t>." + JSON.stringify(body), hex. */
function jambonzHeader(t: number, signedBody: unknown = body, key = secret): string {
  const v1 = createHmac('sha256', key)
    .update(`${t}.${JSON.stringify(signedBody)}`)
    .digest('hex');
  return `t=${t},v1=${v1}`;
}

function request(header: string, raw = JSON.stringify(body)): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.callfleet.example/webhooks/jambonz/acme',
    headers: { 'content-type': 'application/json', 'jambonz-signature': header },
    rawBody: Buffer.from(raw),
  };
}

describe('Jambonz-Signature', () => {
  const now = Date.now();
  const t = Math.floor(now / 1000);

  it('accepts a signed call status webhook', () => {
    expect(verifyJambonzWebhook(request(jambonzHeader(t)), { signingSecret: secret }, now)).toBe(true);
  });

  it('checks the re-serialized JSON, not the bytes: whitespace on the wire does not matter', () => {
    expect(
      verifyJambonzWebhook(request(jambonzHeader(t), JSON.stringify(body, null, 2)), { signingSecret: secret }, now),
    ).toBe(true);
  });

  it('refuses a changed field, another secret, a bad header', () => {
    const opts = { signingSecret: secret };
    expect(
      verifyJambonzWebhook(request(jambonzHeader(t), JSON.stringify({ ...body, call_status: 'completed' })), opts, now),
    ).toBe(false);
    expect(verifyJambonzWebhook(request(jambonzHeader(t, body, 'other')), opts, now)).toBe(false);
    expect(verifyJambonzWebhook(request('v1=abc'), opts, now)).toBe(false);
    expect(verifyJambonzWebhook(request(`t=${t}`), opts, now)).toBe(false);
    expect(verifyJambonzWebhook(request(jambonzHeader(t), '{not json'), opts, now)).toBe(false);
  });

  it('refuses signatures older than 300 s (and as far ahead)', () => {
    const opts = { signingSecret: secret };
    expect(verifyJambonzWebhook(request(jambonzHeader(t - 301)), opts, now)).toBe(false);
    expect(verifyJambonzWebhook(request(jambonzHeader(t + 301)), opts, now)).toBe(false);
    expect(verifyJambonzWebhook(request(jambonzHeader(t - 299)), opts, now)).toBe(true);
  });
});
