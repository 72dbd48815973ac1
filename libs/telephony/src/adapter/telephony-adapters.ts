import type { TelephonyProvider } from '@callfleet/contracts';
import type { ProviderPolicyRegistry } from '@callfleet/resilience';
import { ExotelAdapter } from '../exotel/exotel.adapter';
import { RingCentralAdapter } from '../ringcentral/ringcentral.adapter';
import { TwilioAdapter } from '../twilio/twilio.adapter';
import { type OutboundUrlPolicy, outboundUrlPolicyFor } from './outbound-url-policy';
import type { TelephonyProviderAdapter } from './telephony-provider-adapter';

/** Providers whose calls we control over REST; jambonz and generic only send webhooks (for now). */
export type CallControlProvider = Extract<TelephonyProvider, 'twilio' | 'exotel' | 'ringcentral'>;

export interface TelephonyAdaptersOptions {
  policies: ProviderPolicyRegistry;
  /** Per-provider base URLs; in dev and tests every one is the simulator. */
  baseUrls?: Partial<Record<CallControlProvider, string>>;
  fetch?: typeof fetch;
  /** Default: production rules unless NODE_ENV is development or test (the simulator on http/loopback). */
  urlPolicy?: OutboundUrlPolicy;
}

/** One adapter per provider, sharing the process's policy registry (a breaker per account). */
export function createTelephonyAdapters(
  options: TelephonyAdaptersOptions,
): Readonly<Record<CallControlProvider, TelephonyProviderAdapter>> {
  const common = {
    policies: options.policies,
    fetch: options.fetch,
    urlPolicy: options.urlPolicy ?? outboundUrlPolicyFor(process.env.NODE_ENV),
  };
  return {
    twilio: new TwilioAdapter({ ...common, baseUrl: options.baseUrls?.twilio }),
    exotel: new ExotelAdapter({ ...common, baseUrl: options.baseUrls?.exotel }),
    ringcentral: new RingCentralAdapter({ ...common, baseUrl: options.baseUrls?.ringcentral }),
  };
}
