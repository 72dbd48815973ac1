import { MetricsService } from '@callfleet/platform';
import { DEFAULT_PROVIDER_POLICY, ProviderPolicyRegistry } from '@callfleet/resilience';

/** Real policies with waits shrunk to milliseconds, and the metrics they export. */
export function testPolicies(): { metrics: MetricsService; policies: ProviderPolicyRegistry } {
  const metrics = new MetricsService('telephony-test');
  const policies = new ProviderPolicyRegistry(metrics, {
    ...DEFAULT_PROVIDER_POLICY,
    timeoutMs: 2000,
    backoff: { baseDelayMs: 1, maxDelayMs: 5 },
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 60_000 },
  });
  return { metrics, policies };
}

export async function metricValue(
  metrics: MetricsService,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}
