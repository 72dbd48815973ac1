import { jsonWebhook } from '../../test/webhook-requests';
import { PROVIDER_WEBHOOKS } from './provider-webhooks';

describe('PROVIDER_WEBHOOKS', () => {
  it('has the checks and parsers of every provider, each under its own name', () => {
    expect(Object.keys(PROVIDER_WEBHOOKS).sort()).toEqual(['exotel', 'generic', 'jambonz', 'ringcentral', 'twilio']);
    for (const [provider, webhooks] of Object.entries(PROVIDER_WEBHOOKS)) expect(webhooks.provider).toBe(provider);
  });

  it('refuses hostile input without throwing, whatever the provider', () => {
    const hostile = {
      ...jsonWebhook({}),
      url: 'not a url',
      headers: { 'x-twilio-signature': ['a', 'b'], 'jambonz-signature': 't=,v1=' },
    };
    for (const webhooks of Object.values(PROVIDER_WEBHOOKS)) {
      expect(webhooks.verify(hostile, { signingSecret: 's', verificationToken: 't', pathSecret: 'p' })).toBe(false);
    }
  });
});
