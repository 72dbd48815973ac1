import type { TelephonyProvider } from './telephony-provider';

/**
 * The paths webhook-ingest serves, per provider account. Written once: webhook-ingest routes by
 * them, provider-accounts answers them, and whoever places a call (call-orchestrator) hands them to
 * the provider as its callback URLs, prefixed with webhook-ingest's public base URL.
 */
export const WebhookRoutes = {
  twilioStatus: (accountKey: string) => `/webhooks/twilio/${accountKey}/status`,
  twilioRecording: (accountKey: string) => `/webhooks/twilio/${accountKey}/recording`,
  twilioAmd: (accountKey: string) => `/webhooks/twilio/${accountKey}/amd`,
  /** Twilio's voice `Url`: answered with TwiML (call-flow instructions), not published. */
  twilioVoice: (accountKey: string) => `/webhooks/twilio/${accountKey}/voice`,
  /** Exotel signs nothing: the account's secret is a path segment only Exotel and we know. */
  exotelStatus: (accountKey: string, pathSecret: string) => `/webhooks/exotel/${accountKey}/${pathSecret}/status`,
  ringcentral: (accountKey: string) => `/webhooks/ringcentral/${accountKey}`,
  jambonz: (accountKey: string) => `/webhooks/jambonz/${accountKey}`,
  generic: (accountKey: string) => `/webhooks/generic/${accountKey}`,
} as const;

/** Stands for the Exotel account's path secret in URLs we show (the secret itself is never shown). */
export const PATH_SECRET_PLACEHOLDER = '{pathSecret}';

/** Every webhook URL of one account, by purpose, under `publicBaseUrl` (no trailing slash). */
export function providerWebhookUrls(
  provider: TelephonyProvider,
  publicBaseUrl: string,
  accountKey: string,
): Record<string, string> {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const paths: Record<string, string> =
    provider === 'twilio'
      ? {
          status: WebhookRoutes.twilioStatus(accountKey),
          recording: WebhookRoutes.twilioRecording(accountKey),
          amd: WebhookRoutes.twilioAmd(accountKey),
          voice: WebhookRoutes.twilioVoice(accountKey),
        }
      : provider === 'exotel'
        ? { status: WebhookRoutes.exotelStatus(accountKey, PATH_SECRET_PLACEHOLDER) }
        : { notifications: WebhookRoutes[provider](accountKey) };
  return Object.fromEntries(Object.entries(paths).map(([purpose, path]) => [purpose, `${base}${path}`]));
}
