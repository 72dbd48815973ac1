import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { NATS_IMAGE } from '../../tools/deploy/nats-manifests';
import { FLEET_DEFINITIONS } from '../../tools/fleet/fleet-definitions';
import { natsPasswordEnv, natsUserNames } from '../../tools/nats/nats-server-config';
import {
  FLEET,
  type K8sObject,
  natsConfigRoutes,
  natsConfigUsers,
  natsConfigVariables,
  REPO_ROOT,
  RULES_FILE,
  type RuleGroups,
  readEnvFile,
  readRepoFile,
  readYaml,
  renderKustomize,
  ruleExpressions,
  SERVICE_PORTS,
  schemaErrors,
} from './deploy-files';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

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

  const one = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata.name === name) as K8sObject;
  const envOf = (deployment: K8sObject): EnvVar[] => deployment.spec.template.spec.containers[0].env ?? [];
  /** The nats.conf the StatefulSet mounts (the ConfigMap's name carries Kustomize's hash). */
  const natsConfig = () => {
    const volume = one('StatefulSet', 'nats').spec.template.spec.volumes.find(
      (v: { configMap?: unknown }) => v.configMap,
    );
    return one('ConfigMap', volume.configMap.name).data?.['nats.conf'] as string;
  };
  const natsClients = () => ofKind('Deployment').filter((d) => envOf(d).some((e) => e.name === 'NATS_USER'));

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
    for (const workload of [...ofKind('Deployment'), ...ofKind('StatefulSet')]) {
      const pod = workload.spec.template.spec;
      for (const env of pod.containers[0].env ?? []) {
        if (env.valueFrom?.secretKeyRef) referenced.add(env.valueFrom.secretKeyRef.name);
      }
      for (const from of pod.containers[0].envFrom ?? []) if (from.secretRef) referenced.add(from.secretRef.name);
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
    // The services' Services; NATS's (part of callfleet too) have no `http` port, so the monitor skips them.
    const deployed = new Set(ofKind('Deployment').map((d) => d.metadata.name));
    for (const service of ofKind('Service').filter((s) => deployed.has(s.metadata.name))) {
      expect(service.metadata.labels?.['app.kubernetes.io/part-of']).toBe('callfleet');
      expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain('http');
    }
    const [rule] = ofKind('PrometheusRule');
    expect(rule.spec.groups).toEqual(readYaml<RuleGroups>(RULES_FILE).groups);
  });

  it('runs NATS as a 3-node JetStream cluster: a StatefulSet with volumes, routes to every pod, a budget', () => {
    const nats = one('StatefulSet', 'nats');
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    const headless = one('Service', nats.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.ports.map((p: { name: string }) => p.name).sort()).toEqual(['client', 'cluster', 'monitor']);
    const pods = Array.from({ length: nats.spec.replicas }, (_, i) => `nats-${i}.${nats.spec.serviceName}`);
    expect(natsConfigRoutes(natsConfig())).toEqual(pods.map((pod) => `nats://${pod}:6222`));
    // Each peer names itself after its pod: JetStream knows peers by server name across restarts.
    expect(natsConfig()).toMatch(/^server_name: \$POD_NAME$/m);
    const [container] = nats.spec.template.spec.containers;
    expect(container.image).toBe(NATS_IMAGE);
    expect(container.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(natsConfig()).toContain('store_dir: "/data"');
    expect(one('PodDisruptionBudget', 'nats').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'nats' } },
    });
    // Every password the servers' configuration references comes from the one Secret they load.
    expect(container.envFrom).toEqual([{ secretRef: { name: 'nats-passwords' } }]);
    expect(
      natsConfigVariables(natsConfig())
        .filter((v) => v !== 'POD_NAME')
        .sort(),
    ).toEqual(
      natsUserNames(FLEET_DEFINITIONS.filter((d) => overlay === 'dev' || !d.deployment?.devOnly))
        .map(natsPasswordEnv)
        .sort(),
    );
  });

  it('gives every service its own NATS user, with its password from the key the servers read for it', () => {
    const users = natsConfigUsers(natsConfig());
    expect(
      natsClients()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(
      ofKind('Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    );
    for (const deployment of ofKind('Deployment')) {
      const { name } = deployment.metadata;
      const env = envOf(deployment);
      expect(env.find((e) => e.name === 'NATS_USER')?.value).toBe(name);
      const password = env.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef;
      expect({ name, password }).toEqual({ name, password: { name: 'nats-passwords', key: users.get(name) } });
    }
    expect(users.get('team')).toBe('NATS_PASSWORD_TEAM');
  });

  it("lets only the fleet's NATS users reach the broker, only peers its routes, only schema owners PostgreSQL", () => {
    const ports = (rule: { ports: { port: string | number }[] }) => rule.ports.map((p) => p.port);
    const podNames = (peer: { podSelector?: { matchExpressions?: { values: string[] }[] } }) =>
      peer.podSelector?.matchExpressions?.[0].values.slice().sort();
    const nats = one('NetworkPolicy', 'nats');
    expect(nats.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'nats' } });
    expect(nats.spec.policyTypes).toEqual(['Ingress']);
    const [clients, routes, ...others] = nats.spec.ingress;
    expect(others).toEqual([]);
    expect(ports(clients)).toEqual(['client']);
    expect(podNames(clients.from[0])).toEqual(
      natsClients()
        .map((d) => d.metadata.name)
        .sort(),
    );
    // The other entry: namespaces an operator labels for other teams (they still need a team user).
    expect(clients.from[1]).toEqual({
      namespaceSelector: { matchLabels: { 'nats.callfleet.example/team-access': 'true' } },
    });
    expect(routes).toEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats' } } }],
      ports: [{ port: 'cluster', protocol: 'TCP' }],
    });
    const postgres = one('NetworkPolicy', 'postgres');
    const withDatabase = ofKind('Deployment').filter((d) => envOf(d).some((e) => e.name === 'DATABASE_URL'));
    expect(postgres.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'postgres' } });
    expect(ports(postgres.spec.ingress[0])).toEqual([5432]);
    expect(podNames(postgres.spec.ingress[0].from[0])).toEqual(withDatabase.map((d) => d.metadata.name).sort());
  });

  if (overlay === 'prod') {
    it('speaks TLS to NATS with the mounted certificate, and keeps three copies of every stream', () => {
      const config = natsConfig();
      const tls = /^tls \{([\s\S]*?)^\}/m.exec(config)?.[1] ?? '';
      const nats = one('StatefulSet', 'nats').spec.template.spec;
      const tlsVolume = nats.volumes.find(
        (v: { secret?: { secretName: string } }) => v.secret?.secretName === 'nats-tls',
      );
      const tlsMount = nats.containers[0].volumeMounts.find((m: { name: string }) => m.name === tlsVolume.name);
      for (const file of ['tls.crt', 'tls.key', 'ca.crt']) expect(tls).toContain(`"${tlsMount.mountPath}/${file}"`);
      for (const deployment of ofKind('Deployment')) {
        const settings = configOf(deployment);
        expect(settings.NATS_URL).toMatch(/^tls:\/\/nats:4222$/);
        expect(settings.NATS_STREAM_REPLICAS).toBe('3');
        const pod = deployment.spec.template.spec;
        const ca = pod.volumes.find((v: { secret?: { secretName: string } }) => v.secret?.secretName === 'nats-ca');
        const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === ca?.name);
        expect({ name: deployment.metadata.name, ca: settings.NATS_TLS_CA_FILE }).toEqual({
          name: deployment.metadata.name,
          ca: `${mount?.mountPath}/ca.crt`,
        });
      }
    });

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

    it('keeps one copy of each stream, over plain NATS', () => {
      for (const deployment of ofKind('Deployment')) {
        expect(configOf(deployment)).toMatchObject({ NATS_STREAM_REPLICAS: '1', NATS_URL: 'nats://nats:4222' });
      }
      expect(natsConfig()).not.toMatch(/^tls \{/m);
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

  it('runs NATS with the generated configuration, its passwords from the secrets env file', () => {
    const nats = compose.services.nats as ComposeService & { command: string[]; volumes: string[]; env_file: string[] };
    // One NATS version for compose and Kubernetes.
    expect(nats.image).toBe(NATS_IMAGE);
    expect(nats.command).toEqual(['--config', '/etc/nats/nats.conf']);
    expect(nats.volumes).toContain('./deploy/nats:/etc/nats:ro');
    // The same secrets file as every service container (CALLFLEET_SECRETS_ENV_FILE or the dev one).
    expect(nats.env_file).toEqual((compose.services.gateway as { env_file?: string[] }).env_file);
    const config = readRepoFile('deploy/nats/nats.conf');
    const secrets = readEnvFile('deploy/compose/dev-secrets.env');
    const variables = natsConfigVariables(config);
    expect(variables.sort()).toEqual(natsUserNames(FLEET_DEFINITIONS).map(natsPasswordEnv).sort());
    for (const variable of variables)
      expect({ variable, set: Boolean(secrets.get(variable)) }).toEqual({ variable, set: true });
  });

  it('starts every service as its own NATS user with its own password', () => {
    const users = natsConfigUsers(readRepoFile('deploy/nats/nats.conf'));
    for (const name of [...FLEET, 'telephony-sim']) {
      const service = compose.services[name] as ComposeService & { command: string[] };
      expect(service.environment?.NATS_USER).toBe(name);
      expect(service.command.at(-1)).toContain(
        `NATS_PASSWORD="$$${users.get(name)}" exec node dist/apps/${name}/src/main.js`,
      );
    }
  });

  it('validates with docker-compose config (dclint where docker-compose is not installed)', () => {
    const composeCli = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
    if (composeCli) {
      execFileSync(composeCli, ['config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: 'pipe' });
    } else {
      const report = execFileSync(
        join(REPO_ROOT, 'node_modules/.bin/dclint'),
        ['-q', '-f', 'json', 'docker-compose.yml'],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        },
      );
      expect(JSON.parse(report).flatMap((file: { messages: unknown[] }) => file.messages)).toEqual([]);
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
