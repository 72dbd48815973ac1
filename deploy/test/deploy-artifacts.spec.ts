import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import {
  FLEET,
  type K8sObject,
  REPO_ROOT,
  RULES_FILE,
  type RuleGroups,
  readRepoFile,
  readYaml,
  renderKustomize,
  ruleExpressions,
  SERVICE_PORTS,
  schemaErrors,
} from './deploy-files';

describe.each(['dev', 'prod'])('Kubernetes overlay %s', (overlay) => {
  let objects: K8sObject[];
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const configOf = (deployment: K8sObject): Record<string, string> => {
    const refs: string[] = deployment.spec.template.spec.containers[0].envFrom.map(
      (e: { configMapRef: { name: string } }) => e.configMapRef.name,
    );
    return Object.assign(
      {},
      ...ofKind('ConfigMap')
        .filter((c) => refs.includes(c.metadata.name))
        .map((c) => c.data),
    );
  };

  beforeAll(() => {
    objects = renderKustomize(`k8s/overlays/${overlay}`);
  });

  it('renders objects that all validate against the official schemas', () => {
    expect(objects.length).toBeGreaterThan(FLEET.length * 3);
    expect(schemaErrors(objects)).toEqual([]);
  });

  it('runs every service as a Deployment behind a Service, with a PodDisruptionBudget', () => {
    for (const name of FLEET) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) {
        expect(ofKind(kind).map((o) => o.metadata.name)).toContain(name);
      }
    }
  });

  it('probes /health/live and /health/ready and runs non-root on a read-only root filesystem', () => {
    for (const deployment of ofKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect({ name: deployment.metadata.name, live: container.livenessProbe?.httpGet?.path }).toEqual({
        name: deployment.metadata.name,
        live: '/health/live',
      });
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String) }));
      expect(container.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
    }
  });

  it('gives every pod time for the preStop pause plus SHUTDOWN_GRACE_MS before SIGKILL', () => {
    for (const deployment of ofKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      const [sleep, seconds] = pod.containers[0].lifecycle.preStop.exec.command;
      expect(sleep).toBe('sleep');
      const graceMs = Number(configOf(deployment).SHUTDOWN_GRACE_MS);
      expect(graceMs).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(seconds) * 1000 + graceMs);
    }
  });

  it('carries no secret values: Secrets are only referenced, and each reference is documented', () => {
    for (const secret of ofKind('Secret')) {
      expect({ name: secret.metadata.name, data: secret.data, stringData: secret.stringData }).toEqual({
        name: secret.metadata.name,
        data: undefined,
        stringData: undefined,
      });
    }
    const deploying = readRepoFile('docs/deploying.md');
    const referenced = new Set<string>();
    for (const deployment of ofKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      for (const env of pod.containers[0].env ?? []) {
        if (env.valueFrom?.secretKeyRef) referenced.add(env.valueFrom.secretKeyRef.name);
      }
      for (const volume of pod.volumes ?? []) if (volume.secret) referenced.add(volume.secret.secretName);
    }
    expect(referenced.size).toBeGreaterThan(0);
    for (const name of referenced)
      expect({ name, documented: deploying.includes(name) }).toEqual({ name, documented: true });
  });

  it('scrapes every service with a ServiceMonitor and alerts with the same rules as compose', () => {
    const [monitor] = ofKind('ServiceMonitor');
    expect(monitor.spec.selector.matchLabels['app.kubernetes.io/part-of']).toBe('callfleet');
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    for (const service of ofKind('Service')) {
      expect(service.metadata.labels?.['app.kubernetes.io/part-of']).toBe('callfleet');
      expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain('http');
    }
    const [rule] = ofKind('PrometheusRule');
    expect(rule.spec.groups).toEqual(readYaml<RuleGroups>(RULES_FILE).groups);
  });

  if (overlay === 'prod') {
    it('runs production config with at least two replicas of everything', () => {
      for (const deployment of ofKind('Deployment')) {
        expect({ name: deployment.metadata.name, replicas: deployment.spec.replicas >= 2 }).toEqual({
          name: deployment.metadata.name,
          replicas: true,
        });
        expect(configOf(deployment).NODE_ENV).toBe('production');
      }
      expect(ofKind('Deployment').map((d) => d.metadata.name)).not.toContain('telephony-sim');
    });
  } else {
    it('adds the telephony simulator for dev only', () => {
      expect(ofKind('Deployment').map((d) => d.metadata.name)).toContain('telephony-sim');
    });
  }
});

describe('Prometheus alert rules', () => {
  const rules = readYaml<RuleGroups>(RULES_FILE);

  it('watch the readiness of every deployed service', () => {
    const expr = ruleExpressions().get('CallfleetServiceNotReady') ?? '';
    const watched = [...expr.matchAll(/deployment=~"([^"]+)"/g)].map((m) => m[1].split('|').sort());
    expect(watched).toEqual([[...FLEET].sort(), [...FLEET].sort()]);
  });

  it('have the rule-group shape, with summary, description and an existing runbook per alert', () => {
    expect(rules.groups.length).toBeGreaterThan(0);
    for (const group of rules.groups) {
      expect(group.name).toEqual(expect.any(String));
      for (const rule of group.rules) {
        expect(rule).toEqual({
          alert: expect.stringMatching(/^Callfleet[A-Za-z0-9]+$/),
          expr: expect.any(String),
          for: expect.stringMatching(/^\d+[smh]$/),
          labels: { severity: expect.stringMatching(/^(critical|warning)$/) },
          annotations: {
            summary: expect.any(String),
            description: expect.any(String),
            runbook_url: `docs/runbooks/${rule.alert}.md`,
          },
        });
        expect(existsSync(join(REPO_ROOT, `docs/runbooks/${rule.alert}.md`))).toBe(true);
      }
    }
  });
});

describe('docker-compose.yml', () => {
  interface ComposeService {
    image?: string;
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
    environment?: Record<string, string>;
  }
  const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it('runs the infrastructure, every service and the simulator, each with a health check', () => {
    const expected = ['nats', 'postgres', 'minio', 'prometheus', 'grafana', ...FLEET, 'telephony-sim'];
    expect(Object.keys(compose.services).sort()).toEqual(expected.sort());
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
    }
  });

  it('starts each service only after what it depends on is healthy, on its documented port', () => {
    for (const name of [...FLEET, 'telephony-sim']) {
      const service = compose.services[name];
      expect(service.environment?.SERVICE).toBe(name);
      expect(service.environment?.PORT).toBe(String(SERVICE_PORTS[name]));
      expect(Object.keys(service.depends_on ?? {})).toContain('nats');
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency]).toBeDefined();
        expect(condition).toBe('service_healthy');
      }
    }
  });

  it('has Prometheus scrape every service of the stack', () => {
    const prometheus = readYaml<{ scrape_configs: { static_configs: { targets: string[] }[] }[] }>(
      'deploy/prometheus/prometheus.yml',
    );
    const targets = prometheus.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    for (const name of [...FLEET, 'telephony-sim']) expect(targets).toContain(`${name}:${SERVICE_PORTS[name]}`);
  });
});

/** LSP's DiagnosticSeverity.Error, as dockerfile-utils reports it. */
const LINT_ERROR = 1;

describe('deploy/Dockerfile', () => {
  const dockerfile = readRepoFile('deploy/Dockerfile');

  it('passes dockerfile-utils lint without errors', () => {
    const errors = validate(dockerfile).filter((d) => d.severity === LINT_ERROR);
    expect(errors.map((e) => `${e.range.start.line + 1}: ${e.message}`)).toEqual([]);
  });

  it('runs as a non-root user with a health check, and ships the files services read at run time', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*healthcheck\.js/m);
    expect(runtime).toMatch(/npm ci --omit=dev/);
    for (const path of ['apps/auth/src/passwords/common-passwords.txt', 'apps/telephony-sim/fixtures/audio']) {
      expect(existsSync(join(REPO_ROOT, path))).toBe(true);
      expect(runtime).toContain(`COPY ${path} ./${path}`);
    }
  });
});
