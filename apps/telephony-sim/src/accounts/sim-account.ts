/** Which provider's wire formats an account speaks. */
export type ProviderFlavour = 'twilio' | 'exotel' | 'ringcentral';
export const PROVIDER_FLAVOURS: readonly ProviderFlavour[] = ['twilio', 'exotel', 'ringcentral'];

/** How a recording download misbehaves, for recording-pipeline's tests. */
export type DownloadMode = 'normal' | 'slow' | 'truncated' | 'failing';
export const DOWNLOAD_MODES: readonly DownloadMode[] = ['normal', 'slow', 'truncated', 'failing'];

/** A switch that makes every API request of an account fail or stall (resilience tests). */
export interface ApiFaultSwitch {
  mode: 'error' | 'unavailable' | 'rate-limited' | 'slow';
  /** How many more requests it affects; null = until switched off. */
  remaining: number | null;
  retryAfterSeconds: number;
}
export const API_FAULT_MODES: readonly ApiFaultSwitch['mode'][] = ['error', 'unavailable', 'rate-limited', 'slow'];

/**
 * An Exotel call flow (app) that streams: its Voicebot (bidirectional) or Stream (listen-only)
 * applet's URL, a ws(s) URL, or an http(s) endpoint that answers `{"url": "wss://…"}` for each call
 * (Exotel's dynamic URL, how a per-call token gets into the stream URL).
 */
export interface ExotelFlowApplet {
  applet: 'voicebot' | 'stream';
  url: string;
}

export interface SimAccount {
  /** Twilio AccountSid, Exotel account sid, or RingCentral account id. */
  sid: string;
  /** Twilio auth token (also the signing key), Exotel API token, or RingCentral bearer access token. */
  authToken: string;
  /** Exotel's API key (the basic-auth user); defaults to the sid. */
  apiKey: string;
  flavour: ProviderFlavour;
  /** Where callbacks go when a request names none, and the base that relative callback URLs resolve against. */
  webhookBaseUrl?: string;
  seed: string;
  timeScale: number;
  holdSeconds: { min: number; max: number };
  recordingDownload: DownloadMode;
  apiFault: ApiFaultSwitch | null;
  /** Extra copies of every webhook, for receivers' de-duplication tests. */
  webhookDuplicates: number;
  /** Overrides the configured retry count for this account's callbacks. */
  webhookRetries?: number;
  /** RingCentral: the extension the calls belong to. */
  extensionId: string;
  /** How many numbers (RingCentral: user extensions) the account lists; see numbers/sim-numbers.ts. */
  numberCount: number;
  /** Exotel: call flows (by app id, the last part of a flow URL `…/exoml/start_voice/{appId}`) that stream. */
  exotelFlows: Record<string, ExotelFlowApplet>;
  createdAt: string;
}

/** What the admin API shows of an account: everything but the secret itself. */
export function describeAccount(account: SimAccount): Omit<SimAccount, 'authToken'> & { authTokenSet: true } {
  const { authToken: _secret, ...visible } = account;
  return { ...visible, authTokenSet: true };
}
