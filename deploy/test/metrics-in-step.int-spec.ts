import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, TestDatabase, testNamespace } from '@callfleet/testing';
import { FLEET_DEFINITIONS } from '../../tools/fleet/fleet-definitions';
import { dashboardExpressions, dashboardVariableQueries, ruleExpressions } from './deploy-files';
import { exportedSampleNames, grafanaVariableMetricNames, promqlMetricNames } from './promql-metric-names';

/**
 * Not exported by our services, on purpose: `up` is written by Prometheus for every target, and
 * kube_deployment_* come from kube-state-metrics (installed with the prometheus-operator).
 */
const FROM_OUTSIDE_THE_FLEET = [/^up$/, /^kube_deployment_/];

/**
 * "Dashboards and alert rules only use metrics the services really export": the whole fleet runs
 * in this process on real NATS and PostgreSQL, and one scrape of each /metrics must name every
 * metric the alert rules and the Grafana dashboard read.
 */
describe('alert rules and dashboards in step with the services', () => {
  let db: TestDatabase;
  const services: Awaited<ReturnType<typeof startTestService>>[] = [];
  const exported = new Set<string>();

  beforeAll(async () => {
    const namespace = testNamespace();
    db = await TestDatabase.create();
    // Its own key directory: a test never writes into the repository's .data.
    const keysDir = mkdtempSync(join(tmpdir(), 'metrics-in-step-keys-'));
    // Every service of the fleet, as `npm start` runs it: a new one is checked without a change here.
    for (const definition of FLEET_DEFINITIONS) {
      const keys = definition.deployment?.secretDirectory;
      const env: Record<string, string> = keys ? { [keys.env]: keysDir } : {};
      if (definition.name === 'webhook-ingest') env.DEV_PROVIDER_ACCOUNTS = 'false';
      services.push(
        await startTestService(definition, { namespace, databaseUrl: definition.schema ? db.url : undefined, env }),
      );
    }
    // A little traffic, as any running fleet has: an HTTP request through each service, and an API
    // call through the gateway's rate limits (their decisions counter appears on the first one).
    for (const service of services) await fetch(`${service.url}/health/ready`);
    const gateway = services[FLEET_DEFINITIONS.findIndex((d) => d.name === 'gateway')];
    const login = await fetch(`${gateway.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password-1' }),
    });
    expect(login.status).toBe(401);
    for (const service of services) {
      const response = await fetch(`${service.url}/metrics`);
      expect(response.status).toBe(200);
      for (const name of exportedSampleNames(await response.text())) exported.add(name);
    }
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.close();
    await db?.drop();
  });

  const notExported = (names: Iterable<string>) =>
    [...names].filter((n) => !exported.has(n) && !FROM_OUTSIDE_THE_FLEET.some((pattern) => pattern.test(n)));

  it('exports every metric the alert rules read', () => {
    const expressions = ruleExpressions();
    expect(expressions.size).toBeGreaterThan(5);
    for (const [alert, expr] of expressions) {
      const names = promqlMetricNames(expr);
      expect({ alert, readsAMetric: names.size > 0 }).toEqual({ alert, readsAMetric: true });
      expect({ alert, notExported: notExported(names) }).toEqual({ alert, notExported: [] });
    }
  });

  it('exports every metric the dashboard panels and variables read', () => {
    const targets = dashboardExpressions();
    expect(targets.length).toBeGreaterThan(10);
    for (const { title, expr } of targets) {
      expect({ panel: title, notExported: notExported(promqlMetricNames(expr)) }).toEqual({
        panel: title,
        notExported: [],
      });
    }
    for (const query of dashboardVariableQueries()) {
      expect({ query, notExported: notExported(grafanaVariableMetricNames(query)) }).toEqual({
        query,
        notExported: [],
      });
    }
  });

  it('would notice a metric no service exports', () => {
    expect(notExported(promqlMetricNames('rate(callfleet_made_up_total[5m]) > up'))).toEqual([
      'callfleet_made_up_total',
    ]);
  });
});
