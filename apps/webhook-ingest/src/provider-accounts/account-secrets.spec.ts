import type { CreateProviderAccountDto } from '@callfleet/contracts';
import { accountSecretsFrom, secretNamesOf, webhookSecretsOf } from './account-secrets';

const dto = (fields: Partial<CreateProviderAccountDto>): CreateProviderAccountDto =>
  ({ name: 'account', ...fields }) as CreateProviderAccountDto;

describe('accountSecretsFrom', () => {
  it('takes Twilio credentials, and signs its webhooks with the auth token', () => {
    const { secrets, problems } = accountSecretsFrom(
      dto({ provider: 'twilio', credentials: { accountSid: 'AC1', authToken: 'token-123' } }),
    );
    expect(problems).toEqual([]);
    expect(secretNamesOf(secrets)).toEqual(['credentials.accountSid', 'credentials.authToken']);
    expect(webhookSecretsOf('twilio', secrets, []).signingSecret).toBe('token-123');
  });

  it('names what a provider needs and is missing', () => {
    expect(accountSecretsFrom(dto({ provider: 'twilio' })).problems).toEqual([
      'credentials.accountSid is required for twilio',
      'credentials.authToken is required for twilio',
    ]);
    expect(accountSecretsFrom(dto({ provider: 'generic' })).problems).toEqual([
      'webhookSecrets.signingSecret is required for generic',
    ]);
    expect(accountSecretsFrom(dto({ provider: 'ringcentral' })).problems).toEqual([
      'credentials.accessToken is required for ringcentral',
    ]);
  });

  it('refuses secrets the provider does not use rather than storing them', () => {
    const { problems } = accountSecretsFrom(
      dto({
        provider: 'jambonz',
        credentials: { authToken: 'token-123' },
        webhookSecrets: { signingSecret: 'jambonz-secret', pathSecret: 'p'.repeat(24) },
        ipAllowList: ['10.0.0.0/8'],
      }),
    );
    expect(problems).toEqual([
      'credentials.authToken is not used by jambonz',
      'webhookSecrets.pathSecret is not used by jambonz',
      'ipAllowList is not used by jambonz',
    ]);
  });

  it('takes Exotel call-control credentials all together or not at all, and basic auth as a pair', () => {
    const partial = accountSecretsFrom(
      dto({
        provider: 'exotel',
        credentials: { apiKey: 'k' },
        webhookSecrets: { pathSecret: 'p'.repeat(24), basicAuthUsername: 'exotel' },
      }),
    );
    expect(partial.problems).toEqual([
      'credentials: exotel needs all of accountSid, apiKey, apiToken or none',
      'webhookSecrets: basicAuthUsername and basicAuthPassword go together',
    ]);
    const full = accountSecretsFrom(
      dto({
        provider: 'exotel',
        webhookSecrets: { pathSecret: 'p'.repeat(24), basicAuthUsername: 'exotel', basicAuthPassword: 'hunter22' },
        ipAllowList: ['203.0.113.0/24', '2001:db8::1'],
      }),
    );
    expect(full.problems).toEqual([]);
    expect(webhookSecretsOf('exotel', full.secrets, ['203.0.113.0/24'])).toMatchObject({
      pathSecret: 'p'.repeat(24),
      basicAuth: { username: 'exotel', password: 'hunter22' },
      ipAllowList: ['203.0.113.0/24'],
    });
  });

  it('refuses allow-list entries that match nothing and Standard Webhooks secrets that are not base64', () => {
    expect(
      accountSecretsFrom(
        dto({ provider: 'exotel', webhookSecrets: { pathSecret: 'p'.repeat(24) }, ipAllowList: ['10.0.0.0/40'] }),
      ).problems,
    ).toEqual(['ipAllowList has entries that are not addresses or CIDR blocks']);
    expect(
      accountSecretsFrom(dto({ provider: 'generic', webhookSecrets: { signingSecret: 'whsec_***' } })).problems,
    ).toEqual(['webhookSecrets.signingSecret must be a Standard Webhooks secret (whsec_ + base64)']);
  });

  it('makes RingCentral its own verification token, which the API never shows', () => {
    const { secrets } = accountSecretsFrom(
      dto({ provider: 'ringcentral', credentials: { accessToken: 'bearer' } }),
      () => 'made-here',
    );
    expect(webhookSecretsOf('ringcentral', secrets, []).verificationToken).toBe('made-here');
    expect(secretNamesOf(secrets)).toEqual(['credentials.accessToken', 'webhookSecrets.verificationToken']);
  });
});
