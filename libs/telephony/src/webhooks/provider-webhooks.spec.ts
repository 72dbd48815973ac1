import { jsonWebhook } from '../../test/webhook-requests';
import { PROVIDER_WEBHOOKS, providerWebhooks } from './provider-webhooks';

describe('providerWebhooks', () => {
  it('knows every provider and nothing else', () => {
    for (const provider of ['twilio', 'exotel', 'ringcentral', 'jambonz', 'generic']) {
      expect(providerWebhooks(provider)?.provider).toBe(provider);
    }
    expect(providerWebhooks('vonage')).toBeUndefined();
    expect(providerWebhooks('__proto__')).toBeUndefined();
    expect(providerWebhooks('constructor')).toBeUndefined();
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
