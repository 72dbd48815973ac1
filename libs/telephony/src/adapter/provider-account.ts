import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/**
 * One provider account of an organization, as the orchestrator loads it (credentials decrypted).
 * Credentials per provider:
 * - twilio: `accountSid`, `authToken` (basic auth; the token also signs webhooks);
 * - exotel: `accountSid`, `apiKey`, `apiToken` (basic auth apiKey:apiToken);
 * - ringcentral: `accessToken`, a bearer token obtained outside the fleet for now (JWT flow or
 *   OAuth, refreshed by whoever stores it); the adapter does not refresh it.
 */
export interface ProviderAccount {
  /** Our key of the account: webhook route parameter and breaker name. */
  accountKey: string;
  /** Overrides the adapter's base URL for this account (a simulated account in dev and tests). */
  apiBaseUrl?: string;
  credentials: Readonly<Record<string, string>>;
}

/** The named credentials, or a VALIDATION_ERROR saying which are missing (never their values). */
export function requireCredentials<K extends string>(
  account: ProviderAccount,
  provider: string,
  names: readonly K[],
): Record<K, string> {
  const missing = names.filter(
    (name) => typeof account.credentials[name] !== 'string' || account.credentials[name] === '',
  );
  if (missing.length > 0) {
    throw new AppException(
      ErrorCode.VALIDATION_ERROR,
      `The ${provider} account ${account.accountKey} lacks credentials: ${missing.join(', ')}`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, account.credentials[name]])) as Record<K, string>;
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** The account's API base URL (no trailing slash), refusing anything but http(s). */
export function apiBaseUrl(account: ProviderAccount, adapterDefault: string): string {
  const base = account.apiBaseUrl ?? adapterDefault;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new AppException(ErrorCode.VALIDATION_ERROR, `Invalid API base URL for account ${account.accountKey}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppException(ErrorCode.VALIDATION_ERROR, `API base URL of account ${account.accountKey} must be http(s)`);
  }
  return base.replace(/\/+$/, '');
}

/** Credentials are only ever sent to the provider's own origins, never to a URL a webhook named. */
export function isSameOrigin(url: string, ...origins: string[]): boolean {
  try {
    const { origin } = new URL(url);
    return origins.some((o) => new URL(o).origin === origin);
  } catch {
    return false;
  }
}
