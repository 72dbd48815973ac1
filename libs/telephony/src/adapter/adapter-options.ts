import type { ProviderPolicyOptions, ProviderPolicyRegistry } from '@callfleet/resilience';
import type { OutboundUrlPolicy } from './outbound-url-policy';

export interface AdapterOptions {
  /** Policies shared by every adapter of the process: one breaker per provider account. */
  policies: ProviderPolicyRegistry;
  /** Default API base URL; dev and tests point it at the simulator (http://127.0.0.1:3900). */
  baseUrl?: string;
  /** Policy settings for this provider's accounts (e.g. RingCentral's call-out is rate limited hard). */
  policy?: Partial<Omit<ProviderPolicyOptions, 'name'>>;
  fetch?: typeof fetch;
  /** Where this adapter may send requests (and fetch recordings); default chosen from NODE_ENV. */
  urlPolicy?: OutboundUrlPolicy;
}
