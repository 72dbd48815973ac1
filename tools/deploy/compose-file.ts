import type { ServiceDefinition } from '@callfleet/platform';
import { Alias, isScalar, type Pair, parseDocument, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { natsPasswordEnv, natsUserNames, renderNatsServerConfig } from '../nats/nats-server-config';
import { GENERATED_HEADER } from './kubernetes-manifests';

/** Where compose's nats service reads its configuration (mounted at /etc/nats). */
export const COMPOSE_NATS_CONFIG = 'deploy/nats/nats.conf';

/**
 * The broker of the compose stack: the generated permissions, every password an env reference the
 * nats container resolves from the secrets env file, so the checked-in file holds no secret.
 */
export function renderComposeNatsConfig(definitions: readonly ServiceDefinition[]): string {
  return (
    GENERATED_HEADER('the service definitions (tools/nats/nats-server-config.ts)') +
    renderNatsServerConfig(definitions, {
      serverName: 'callfleet-compose',
      listen: '0.0.0.0:4222',
      monitorPort: 8222,
      storeDir: '/data',
      passwords: { kind: 'env' },
    })
  );
}

/**
 * The container's command when the service uses NATS. Compose reads an env_file into the container
 * only (never for `${}` interpolation), so the shared secrets file cannot be mapped to NATS_PASSWORD
 * in `environment:`; the container's shell picks the service's own password out of it instead.
 */
export function composeCommand(definition: ServiceDefinition): string[] | undefined {
  if (natsUserNames([definition], []).length === 0) return undefined;
  const entry = `dist/apps/${definition.name}/src/main.js`;
  return ['sh', '-c', `NATS_PASSWORD="$$${natsPasswordEnv(definition.name)}" exec node ${entry}`];
}

/** Where the template's comment lines about itself start; they are left out of the generated file. */
const TEMPLATE_MARK = ' TEMPLATE';

/** What a service container needs healthy before it starts, from its definition. */
export function composeDependencies(definition: ServiceDefinition): string[] {
  const needs = definition.deployment?.dependsOn ?? [];
  return [
    ...needs.filter((n) => n !== 'object-storage'),
    ...(needs.includes('object-storage') ? ['minio'] : []),
    'nats',
    ...(definition.schema ? ['postgres'] : []),
  ].sort();
}

/** The compose service of one definition; `<<` merges the template's shared container settings. */
export function composeService(definition: ServiceDefinition): Record<string, unknown> {
  const { name, port, deployment = {} } = definition;
  const directory = deployment.secretDirectory;
  const command = composeCommand(definition);
  return {
    depends_on: Object.fromEntries(composeDependencies(definition).map((d) => [d, { condition: 'service_healthy' }])),
    ...(directory ? { volumes: [`${name}-data:/app/.data`] } : {}),
    environment: {
      SERVICE: name,
      PORT: String(port),
      ...(command ? { NATS_USER: name } : {}),
      // Outside production the service fills the directory itself (auth generates a signing key); the
      // volume keeps it across restarts. Kubernetes mounts the real Secret instead.
      ...(directory ? { [directory.env]: `/app/.data/${directory.mountPath.split('/').pop()}` } : {}),
      ...deployment.composeEnvironment,
    },
    ...(command ? { command } : {}),
    ...(deployment.public ? { ports: [`127.0.0.1:${port}:${port}`] } : {}),
  };
}

/**
 * docker-compose.yml: the template (deploy/compose/infrastructure.yml: infrastructure and the shared
 * container settings, anchored as callfleet-env and callfleet-service) with every service added.
 */
export function renderComposeFile(definitions: readonly ServiceDefinition[], template: string): string {
  const doc = parseDocument(template, { merge: true });
  const services = doc.get('services') as YAMLMap;
  const volumes = doc.get('volumes') as YAMLMap;
  for (const definition of definitions) {
    const node = doc.createNode(composeService(definition)) as YAMLMap;
    const environment = node.get('environment') as YAMLMap;
    environment.items.unshift(doc.createPair('<<', new Alias('callfleet-env')) as Pair);
    node.items.push(doc.createPair('<<', new Alias('callfleet-service')) as Pair);
    // Quoted, as compose's docs advise: an unquoted xx:yy can read as a base-60 number in YAML 1.1.
    for (const port of (node.get('ports') as YAMLSeq<Scalar> | undefined)?.items ?? []) port.type = 'QUOTE_DOUBLE';
    const key = new Scalar(definition.name);
    if (definition.deployment?.devOnly) key.commentBefore = ` ${definition.description}`;
    const volume = node.items.find((item) => isScalar(item.key) && item.key.value === 'volumes');
    if (volume) {
      (volume.key as Scalar).commentBefore =
        ' Outside production the service fills its secret directory itself; the volume keeps it across restarts.';
    }
    services.items.push(doc.createPair(key, node) as Pair);
    if (definition.deployment?.secretDirectory) volumes.set(`${definition.name}-data`, null);
  }
  const nameOf = (pair: Pair) => String(isScalar(pair.key) ? pair.key.value : pair.key);
  services.items.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  services.items.forEach((pair, i) => {
    if (isScalar(pair.key)) pair.key.spaceBefore = i > 0;
  });
  const own = (doc.commentBefore ?? '')
    .split('\n')
    .filter((line) => !line.startsWith(TEMPLATE_MARK))
    .join('\n');
  doc.commentBefore = `${GENERATED_HEADER('deploy/compose/infrastructure.yml and the service definitions').slice(1).trimEnd()}\n${own}`;
  return doc.toString({ lineWidth: 120, flowCollectionPadding: false, nullStr: '' });
}
