import { randomBytes } from 'node:crypto';
import type { CreateProviderAccountDto, TelephonyProvider } from '@callfleet/contracts';
import { ipMatchesCidr, type ProviderAccount, standardWebhooksKey, type WebhookSecrets } from '@callfleet/telephony';

export type CredentialName = 'accountSid' | 'authToken' | 'apiKey' | 'apiToken' | 'accessToken';

/** Everything sealed for one account: what its REST API needs, and what proves its webhooks. */
export interface AccountSecrets {
  credentials: Partial<Record<CredentialName, string>>;
  webhook: {
    signingSecret?: string;
    verificationToken?: string;
    pathSecret?: string;
    basicAuth?: { username: string; password: string };
  };
}

interface SecretRules {
  /** Credentials that must all be given. */
  credentials: readonly CredentialName[];
  /** Credentials the provider may use (all of a group or none). */
  optionalCredentials: readonly CredentialName[];
  webhook: readonly ('signingSecret' | 'pathSecret')[];
  basicAuth: boolean;
  ipAllowList: boolean;
}

/**
 * What each provider needs. Twilio signs webhooks with the Auth Token, so it is both credential and
 * webhook key; RingCentral's verification token is ours (made at creation, set on the subscription);
 * Exotel signs nothing, so its path secret is required and its REST credentials are optional.
 */
const RULES: Readonly<Record<TelephonyProvider, SecretRules>> = {
  twilio: {
    credentials: ['accountSid', 'authToken'],
    optionalCredentials: [],
    webhook: [],
    basicAuth: false,
    ipAllowList: false,
  },
  exotel: {
    credentials: [],
    optionalCredentials: ['accountSid', 'apiKey', 'apiToken'],
    webhook: ['pathSecret'],
    basicAuth: true,
    ipAllowList: true,
  },
  ringcentral: {
    credentials: ['accessToken'],
    optionalCredentials: [],
    webhook: [],
    basicAuth: false,
    ipAllowList: false,
  },
  jambonz: {
    credentials: [],
    optionalCredentials: [],
    webhook: ['signingSecret'],
    basicAuth: false,
    ipAllowList: false,
  },
  generic: {
    credentials: [],
    optionalCredentials: [],
    webhook: ['signingSecret'],
    basicAuth: false,
    ipAllowList: false,
  },
};

const CREDENTIAL_NAMES: readonly CredentialName[] = ['accountSid', 'authToken', 'apiKey', 'apiToken', 'accessToken'];

/**
 * The secrets to seal for a new account, or the problems with the request (each naming a field,
 * never a value). Fields the provider does not use are refused rather than silently stored.
 */
export function accountSecretsFrom(
  dto: CreateProviderAccountDto,
  makeToken: () => string = () => randomBytes(24).toString('base64url'),
): { secrets: AccountSecrets; problems: string[] } {
  const rules = RULES[dto.provider];
  const problems: string[] = [];
  const given = dto.credentials ?? {};
  const credentials: AccountSecrets['credentials'] = {};
  for (const name of CREDENTIAL_NAMES) {
    const value = given[name];
    if (value === undefined) continue;
    if (!rules.credentials.includes(name) && !rules.optionalCredentials.includes(name)) {
      problems.push(`credentials.${name} is not used by ${dto.provider}`);
    } else credentials[name] = value;
  }
  for (const name of rules.credentials) {
    if (!credentials[name]) problems.push(`credentials.${name} is required for ${dto.provider}`);
  }
  const optionalGiven = rules.optionalCredentials.filter((name) => credentials[name]);
  if (optionalGiven.length > 0 && optionalGiven.length < rules.optionalCredentials.length) {
    problems.push(`credentials: ${dto.provider} needs all of ${rules.optionalCredentials.join(', ')} or none`);
  }

  const secrets = dto.webhookSecrets ?? {};
  const webhook: AccountSecrets['webhook'] = {};
  for (const name of ['signingSecret', 'pathSecret'] as const) {
    const value = secrets[name];
    if (value === undefined) {
      if (rules.webhook.includes(name)) problems.push(`webhookSecrets.${name} is required for ${dto.provider}`);
    } else if (!rules.webhook.includes(name)) {
      problems.push(`webhookSecrets.${name} is not used by ${dto.provider}`);
    } else webhook[name] = value;
  }
  if (dto.provider === 'generic' && webhook.signingSecret && !standardWebhooksKey(webhook.signingSecret)) {
    problems.push('webhookSecrets.signingSecret must be a Standard Webhooks secret (whsec_ + base64)');
  }
  const { basicAuthUsername: username, basicAuthPassword: password } = secrets;
  if (username !== undefined || password !== undefined) {
    if (!rules.basicAuth) problems.push(`webhookSecrets.basicAuth* is not used by ${dto.provider}`);
    else if (!username || !password)
      problems.push('webhookSecrets: basicAuthUsername and basicAuthPassword go together');
    else webhook.basicAuth = { username, password };
  }
  if (dto.ipAllowList?.length) {
    if (!rules.ipAllowList) problems.push(`ipAllowList is not used by ${dto.provider}`);
    // A block that matches nothing would lock the provider out without a word: refuse it now.
    const unreadable = dto.ipAllowList.filter((cidr) => !ipMatchesCidr(cidr.split('/')[0], cidr));
    if (unreadable.length > 0) problems.push(`ipAllowList has entries that are not addresses or CIDR blocks`);
  }
  if (dto.provider === 'ringcentral') webhook.verificationToken = makeToken();
  return { secrets: { credentials, webhook }, problems };
}

/** Names (never values) of what is stored, for the API's `secretsSet`. */
export function secretNamesOf(secrets: AccountSecrets): string[] {
  return [
    ...Object.keys(secrets.credentials).map((name) => `credentials.${name}`),
    ...Object.keys(secrets.webhook).map((name) => `webhookSecrets.${name}`),
  ].sort();
}

/** What the provider's webhook verifier needs, from what is sealed. */
export function webhookSecretsOf(
  provider: TelephonyProvider,
  secrets: AccountSecrets,
  ipAllowList: readonly string[],
): WebhookSecrets {
  const { webhook, credentials } = secrets;
  return {
    signingSecret: provider === 'twilio' ? credentials.authToken : webhook.signingSecret,
    verificationToken: webhook.verificationToken,
    pathSecret: webhook.pathSecret,
    basicAuth: webhook.basicAuth,
    ipAllowList: ipAllowList.length > 0 ? ipAllowList : undefined,
  };
}

/** The account as the telephony adapters take it (credentials opened). */
export function adapterAccountOf(
  account: { accountKey: string; apiBaseUrl: string | null },
  secrets: AccountSecrets,
): ProviderAccount {
  return {
    accountKey: account.accountKey,
    ...(account.apiBaseUrl ? { apiBaseUrl: account.apiBaseUrl } : {}),
    credentials: { ...secrets.credentials } as Record<string, string>,
  };
}

/** Our key of a new account: the provider and 16 random hex digits (in URLs, so not a secret). */
export function newAccountKey(provider: TelephonyProvider): string {
  return `${provider}-${randomBytes(8).toString('hex')}`;
}
