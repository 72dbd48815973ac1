import type { ServiceDefinition } from '@callfleet/platform';
import { stringify } from 'yaml';
import { natsUserNames, renderNatsServerConfig } from '../nats/nats-server-config';
import { GENERATED_HEADER, type K8sObject, NATS_PASSWORDS_SECRET } from './kubernetes-manifests';

/**
 * NATS on Kubernetes: a JetStream cluster of NATS_CLUSTER_SIZE pods (a StatefulSet, so each pod keeps
 * its name, its route address and its volume across restarts), configured by the same generator as
 * `npm start` and compose (tools/nats), with every password an env reference resolved from the
 * `nats-passwords` Secret. The NetworkPolicies are derived from the definitions too: only the pods of
 * services that use NATS reach the client port, only services with a schema reach PostgreSQL.
 */

export const NATS_CLUSTER_SIZE = 3;
/** The same image as compose (deploy/compose/infrastructure.yml); a deploy test keeps them equal. */
export const NATS_IMAGE = 'nats:2.10.29-alpine';
export const NATS_PORTS = { client: 4222, cluster: 6222, monitor: 8222 } as const;
/** The headless Service behind the StatefulSet: it gives each pod the DNS name its peers route to. */
const HEADLESS = 'nats-headless';
const CONFIG_DIR = '/etc/nats';
const TLS_DIR = '/etc/nats/tls';
/** The server's certificate (tls.crt, tls.key, ca.crt), e.g. issued by cert-manager; prod overlay only. */
export const NATS_TLS_SECRET = 'nats-tls';
/** The CA alone (ca.crt) for the services, so no service pod ever mounts the server's private key. */
export const NATS_CA_SECRET = 'nats-ca';
export const NATS_CA_MOUNT = '/var/run/secrets/callfleet/nats-ca';

const natsLabels = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'broker' };
const natsSelector = { 'app.kubernetes.io/name': 'nats' };

/** The route URL of every pod of the cluster; short names resolve in whichever namespace the overlay picks. */
export function natsRoutes(size = NATS_CLUSTER_SIZE): string[] {
  return Array.from({ length: size }, (_, i) => `nats://nats-${i}.${HEADLESS}:${NATS_PORTS.cluster}`);
}

/** The services (by name) whose pods connect to NATS: the only pods let in on the client port. */
export function natsClientServices(definitions: readonly ServiceDefinition[]): string[] {
  return definitions.filter((d) => natsUserNames([d], []).length > 0).map((d) => d.name);
}

/** nats.conf of the Kubernetes cluster; with `tls`, clients must speak TLS with the mounted certificate. */
export function kubernetesNatsConfig(definitions: readonly ServiceDefinition[], options: { tls?: boolean } = {}) {
  // JetStream peers are known by server name: stable per pod, the pod's own name. Unquoted, so
  // nats-server reads it from the environment (the generator quotes serverName as a literal).
  const serverName = 'server_name: $POD_NAME\n';
  return (
    serverName +
    renderNatsServerConfig(definitions, {
      listen: `0.0.0.0:${NATS_PORTS.client}`,
      monitorPort: NATS_PORTS.monitor,
      storeDir: '/data',
      passwords: { kind: 'env' },
      cluster: { name: 'callfleet', listen: `0.0.0.0:${NATS_PORTS.cluster}`, routes: natsRoutes() },
      ...(options.tls
        ? { tls: { certFile: `${TLS_DIR}/tls.crt`, keyFile: `${TLS_DIR}/tls.key`, caFile: `${TLS_DIR}/ca.crt` } }
        : {}),
    })
  );
}

function healthProbe(query: string, periodSeconds: number, failureThreshold: number) {
  return {
    httpGet: { path: `/healthz${query}`, port: 'monitor' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  };
}

export function natsStatefulSet(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'nats', labels: natsLabels },
    spec: {
      serviceName: HEADLESS,
      replicas: NATS_CLUSTER_SIZE,
      // All pods at once: the cluster forms (and JetStream elects a leader) only when peers can route.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: natsSelector },
      template: {
        metadata: { labels: natsLabels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 60,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // One broker per node, so losing a node costs one of three peers (JetStream keeps quorum).
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: natsSelector },
            },
          ],
          containers: [
            {
              name: 'nats',
              image: NATS_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: ['--config', `${CONFIG_DIR}/nats.conf`],
              ports: [
                { name: 'client', containerPort: NATS_PORTS.client, protocol: 'TCP' },
                { name: 'cluster', containerPort: NATS_PORTS.cluster, protocol: 'TCP' },
                { name: 'monitor', containerPort: NATS_PORTS.monitor, protocol: 'TCP' },
              ],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              envFrom: [{ secretRef: { name: NATS_PASSWORDS_SECRET } }],
              // A restarted peer catches up on its streams before it counts as started.
              startupProbe: healthProbe('', 5, 60),
              livenessProbe: healthProbe('?js-enabled-only=true', 30, 3),
              readinessProbe: healthProbe('?js-server-only=true', 10, 3),
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'data', mountPath: '/data' },
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'nats-config' } }],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
        },
      ],
    },
  };
}

function natsService(name: string, headless: boolean): K8sObject {
  const ports = headless
    ? (Object.entries(NATS_PORTS) as [string, number][]).map(([port, number]) => ({
        name: port,
        port: number,
        targetPort: port,
        protocol: 'TCP',
      }))
    : [{ name: 'client', port: NATS_PORTS.client, targetPort: 'client', protocol: 'TCP' }];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: natsLabels },
    spec: {
      selector: natsSelector,
      ports,
      // Peers must find each other before they are ready: readiness needs the cluster formed.
      ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
    },
  };
}

/** One peer away at a time: two of three keep the JetStream quorum. */
export function natsDisruptionBudget(): K8sObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'nats', labels: natsLabels },
    spec: { maxUnavailable: 1, selector: { matchLabels: natsSelector } },
  };
}

/** A namespace label that lets another team's pods reach the client port (they still need a team user). */
export const NATS_TEAM_NAMESPACE_LABEL = 'nats.callfleet.example/team-access';

/**
 * Client port: the fleet's NATS users' pods, and pods of namespaces an operator labelled for team
 * access. Routes: the NATS pods only. Monitoring: nobody (kubelet probes are not subject to it;
 * Prometheus does not scrape NATS, whose /varz is not in its format).
 */
export function natsNetworkPolicy(definitions: readonly ServiceDefinition[]): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'nats', labels: natsLabels },
    spec: {
      podSelector: { matchLabels: natsSelector },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchExpressions: [
                  { key: 'app.kubernetes.io/name', operator: 'In', values: natsClientServices(definitions) },
                ],
              },
            },
            { namespaceSelector: { matchLabels: { [NATS_TEAM_NAMESPACE_LABEL]: 'true' } } },
          ],
          ports: [{ port: 'client', protocol: 'TCP' }],
        },
        {
          from: [{ podSelector: { matchLabels: natsSelector } }],
          ports: [{ port: 'cluster', protocol: 'TCP' }],
        },
      ],
    },
  };
}

/**
 * PostgreSQL runs outside these manifests (a managed database or an operator's cluster). When it runs
 * in the namespace, its pods carry `app.kubernetes.io/name: postgres` and this lets in only the
 * services that own a schema, on 5432.
 */
export function databaseNetworkPolicy(definitions: readonly ServiceDefinition[]): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'postgres', labels: { 'app.kubernetes.io/name': 'postgres' } },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchExpressions: [
                  {
                    key: 'app.kubernetes.io/name',
                    operator: 'In',
                    values: definitions.filter((d) => d.schema).map((d) => d.name),
                  },
                ],
              },
            },
          ],
          ports: [{ port: 5432, protocol: 'TCP' }],
        },
      ],
    },
  };
}

const yaml = (objects: K8sObject[]) =>
  objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');

const SOURCE = 'tools/deploy/nats-manifests.ts and the service definitions';

/** A JSON patch (as Kustomize takes it inline) of one object's fields. */
const jsonPatch = (ops: Record<string, unknown>[]) => stringify(ops);

/** Mounts a Secret read-only into the first container of a pod template. */
const addVolume = (name: string, mountPath: string, secret: K8sObject) => [
  { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: { name, mountPath, readOnly: true } },
  { op: 'add', path: '/spec/template/spec/volumes/-', value: { name, secret } },
];

function component(body: K8sObject): string {
  return (
    GENERATED_HEADER(SOURCE) +
    stringify({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', ...body }, { lineWidth: 0 })
  );
}

/** The prod overlay's component: client TLS on the servers, `tls://` and the CA for the services. */
function tlsComponent(): string {
  return component({
    configMapGenerator: [
      { name: 'nats-config', behavior: 'replace', files: ['nats.conf'] },
      {
        name: 'callfleet-config',
        behavior: 'merge',
        literals: [`NATS_URL=tls://nats:${NATS_PORTS.client}`, `NATS_TLS_CA_FILE=${NATS_CA_MOUNT}/ca.crt`],
      },
    ],
    patches: [
      {
        target: { kind: 'StatefulSet', name: 'nats' },
        patch: jsonPatch(addVolume('tls', TLS_DIR, { secretName: NATS_TLS_SECRET, defaultMode: 0o400 })),
      },
      {
        target: { kind: 'Deployment', labelSelector: 'app.kubernetes.io/part-of=callfleet' },
        patch: jsonPatch(
          addVolume('nats-ca', NATS_CA_MOUNT, {
            secretName: NATS_CA_SECRET,
            items: [{ key: 'ca.crt', path: 'ca.crt' }],
          }),
        ),
      },
    ],
  });
}

/**
 * The dev overlay's component: the dev tools' NATS users (the simulator) exist only there, so a
 * production broker has no user, and its Secret no password, for them.
 */
function devToolsComponent(definitions: readonly ServiceDefinition[]): string {
  return component({
    configMapGenerator: [{ name: 'nats-config', behavior: 'replace', files: ['nats.conf'] }],
    patches: [
      {
        target: { kind: 'NetworkPolicy', name: 'nats' },
        patch: jsonPatch([
          {
            op: 'replace',
            path: '/spec/ingress/0/from/0/podSelector/matchExpressions/0/values',
            value: natsClientServices(definitions),
          },
        ]),
      },
    ],
  });
}

/** Every generated NATS and NetworkPolicy file, by path from the repository root. */
export function natsKubernetesFiles(definitions: readonly ServiceDefinition[]): Map<string, string> {
  const production = definitions.filter((d) => !d.deployment?.devOnly);
  const header = GENERATED_HEADER(SOURCE);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['nats.yaml'],
    // The content hash in the ConfigMap's name rolls the StatefulSet when the configuration changes.
    configMapGenerator: [{ name: 'nats-config', files: ['nats.conf'] }],
  };
  return new Map([
    [
      'k8s/base/nats/nats.yaml',
      `${header}# NATS: a ${NATS_CLUSTER_SIZE}-node JetStream cluster (passwords from the ${NATS_PASSWORDS_SECRET} Secret).\n` +
        yaml([
          natsStatefulSet(),
          natsService('nats', false),
          natsService(HEADLESS, true),
          natsDisruptionBudget(),
          natsNetworkPolicy(production),
        ]),
    ],
    ['k8s/base/nats/nats.conf', header + kubernetesNatsConfig(production)],
    ['k8s/base/nats/kustomization.yaml', header + stringify(kustomization)],
    [
      'k8s/base/database/postgres-network-policy.yaml',
      `${header}# Who may reach PostgreSQL when it runs in the namespace.\n${yaml([databaseNetworkPolicy(production)])}`,
    ],
    [
      'k8s/base/database/kustomization.yaml',
      header +
        stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: ['postgres-network-policy.yaml'],
        }),
    ],
    ['k8s/overlays/prod/nats-tls/nats.conf', header + kubernetesNatsConfig(production, { tls: true })],
    ['k8s/overlays/prod/nats-tls/kustomization.yaml', tlsComponent()],
    ['k8s/overlays/dev/nats-dev-tools/nats.conf', header + kubernetesNatsConfig(definitions)],
    ['k8s/overlays/dev/nats-dev-tools/kustomization.yaml', devToolsComponent(definitions)],
  ]);
}
