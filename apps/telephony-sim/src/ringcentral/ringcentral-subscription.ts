import type { WebhookDelivery } from '../webhooks/webhook-delivery';

export interface RingCentralSubscription {
  id: string;
  accountSid: string;
  eventFilters: string[];
  address: string;
  verificationToken?: string;
  expiresIn: number;
  creationTime: string;
  expirationTime: string;
  /** The Validation-Token handshakes made with the address (creation, address changes). */
  handshakes: WebhookDelivery[];
}

/** RingCentral's own limit on a WebHook subscription's lifetime (about 20 years); the default is 7 days. */
export const MAX_EXPIRES_IN = 630_720_000;
export const DEFAULT_EXPIRES_IN = 604_800;

export interface SubscriptionRequest {
  eventFilters: string[];
  address: string;
  verificationToken?: string;
  expiresIn: number;
}

/** Checks `POST /restapi/v1.0/subscription`'s body; returns the problem in RingCentral's words. */
export function parseSubscriptionRequest(body: unknown): SubscriptionRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object';
  const { eventFilters, deliveryMode, expiresIn } = body as Record<string, unknown>;
  if (!Array.isArray(eventFilters) || eventFilters.length === 0 || eventFilters.length > 1000) {
    return 'Parameter [eventFilters] is required and must be a non-empty list';
  }
  if (eventFilters.some((f) => typeof f !== 'string' || !f.startsWith('/restapi/') || f.length > 512)) {
    return 'Parameter [eventFilters] holds an invalid event filter';
  }
  if (typeof deliveryMode !== 'object' || deliveryMode === null) return 'Parameter [deliveryMode] is required';
  const { transportType, address, verificationToken } = deliveryMode as Record<string, unknown>;
  if (transportType !== 'WebHook') return 'Only the WebHook transport type is simulated';
  if (typeof address !== 'string' || !/^https?:\/\//.test(address) || !URL.canParse(address)) {
    return 'Parameter [deliveryMode.address] must be an http(s) URL';
  }
  if (verificationToken !== undefined && (typeof verificationToken !== 'string' || verificationToken.length > 64)) {
    return 'Parameter [deliveryMode.verificationToken] must be a string of at most 64 characters';
  }
  const lifetime = expiresIn ?? DEFAULT_EXPIRES_IN;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_EXPIRES_IN) {
    return `Parameter [expiresIn] must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}`;
  }
  return {
    eventFilters: eventFilters as string[],
    address,
    ...(verificationToken ? { verificationToken: verificationToken as string } : {}),
    expiresIn: lifetime,
  };
}

/** Telephony session notifications go to subscriptions that asked for them. */
export function wantsTelephonySessions(subscription: RingCentralSubscription): boolean {
  return subscription.eventFilters.some((f) => f.includes('/telephony/sessions'));
}

export function isActive(subscription: RingCentralSubscription, now = Date.now()): boolean {
  return Date.parse(subscription.expirationTime) > now;
}

export function subscriptionResource(subscription: RingCentralSubscription, baseUrl: string): Record<string, unknown> {
  return {
    uri: `${baseUrl}/restapi/v1.0/subscription/${subscription.id}`,
    id: subscription.id,
    creationTime: subscription.creationTime,
    status: isActive(subscription) ? 'Active' : 'Expired',
    eventFilters: subscription.eventFilters,
    expirationTime: subscription.expirationTime,
    expiresIn: Math.max(0, Math.round((Date.parse(subscription.expirationTime) - Date.now()) / 1000)),
    deliveryMode: { transportType: 'WebHook', address: subscription.address, encryption: false },
  };
}
