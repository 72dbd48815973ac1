import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HTTP_PORTS } from '@callfleet/contracts';
import { BaseServiceConfig, type ServiceDefinition } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { parse, parseAllDocuments } from 'yaml';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import { composeService } from './compose-file';
import { deploymentFiles, staleGeneratedFiles } from './deployment-files';
import { kubernetesFiles, kubernetesManifestPath } from './kubernetes-manifests';

const ROOT = join(__dirname, '..', '..');

@Module({})
class NewModule {}

/** A service as a newcomer would add it: a schema, a secret, object storage. */
const newService = {
  name: 'recording-pipeline',
  description: 'a new service',
  port: 3999,
  module: NewModule,
  config: BaseServiceConfig,
  schema: { schema: 'fresh', entities: [], migrations: [] },
  nats: {},
  deployment: { secrets: [{ env: 'S3_SECRET_KEY' }], dependsOn: ['object-storage'] },
} satisfies ServiceDefinition;

describe('deployment files generated from the service definitions', () => {
  const generated = deploymentFiles(ROOT, FLEET_DEFINITIONS);

  it.each([...generated.keys()])('%s is what `npm run deploy:generate` writes', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(generated.get(path));
  });

  it('leaves no generated file behind that no definition produces', () => {
    expect(staleGeneratedFiles(ROOT, generated)).toEqual([]);
  });

  it('gives each service its own port, as the fleet runner and the services themselves use', () => {
    const compose = parse(generated.get('docker-compose.yml') as string, { merge: true });
    for (const definition of FLEET_DEFINITIONS) {
      expect(definition.port).toBe(DEFAULT_HTTP_PORTS[definition.name]);
      expect(compose.services[definition.name].environment.PORT).toBe(String(definition.port));
    }
  });

  it('derives a new service whole from its definition: database, secrets, dependencies, port', () => {
    const files = kubernetesFiles([newService]);
    const [deployment, service, budget] = parseAllDocuments(
      files.get(kubernetesManifestPath(newService)) as string,
    ).map((d) => d.toJS());
    const [container] = deployment.spec.template.spec.containers;
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3999, protocol: 'TCP' }]);
    expect(container.env.map((e: { name: string }) => e.name)).toEqual([
      'SERVICE',
      'PORT',
      'NATS_USER',
      'NATS_PASSWORD',
      'DATABASE_URL',
      'S3_SECRET_KEY',
    ]);
    expect(container.env[2].value).toBe('recording-pipeline');
    expect(container.env[3].valueFrom.secretKeyRef).toEqual({
      name: 'nats-passwords',
      key: 'NATS_PASSWORD_RECORDING_PIPELINE',
    });
    expect(container.env[5].valueFrom.secretKeyRef).toEqual({
      name: 'recording-pipeline-secrets',
      key: 'S3_SECRET_KEY',
    });
    expect(service.spec.ports[0].port).toBe(3999);
    expect(budget.kind).toBe('PodDisruptionBudget');
    expect(parse(files.get('k8s/base/services/kustomization.yaml') as string)).toMatchObject({
      resources: ['recording-pipeline.yaml'],
      components: ['../../components/service'],
    });
    expect(composeService(newService)).toMatchObject({
      depends_on: { minio: {}, nats: {}, postgres: {} },
      environment: { SERVICE: 'recording-pipeline', PORT: '3999', NATS_USER: 'recording-pipeline' },
      command: [
        'sh',
        '-c',
        'NATS_PASSWORD="$$NATS_PASSWORD_RECORDING_PIPELINE" exec node dist/apps/recording-pipeline/src/main.js',
      ],
    });
    // The NATS pods let it in, and PostgreSQL too (it owns a schema).
    const policies = parseAllDocuments(deploymentFiles(ROOT, [newService]).get('k8s/base/nats/nats.yaml') as string)
      .map((d) => d.toJS())
      .find((o) => o.kind === 'NetworkPolicy');
    expect(policies.spec.ingress[0].from[0].podSelector.matchExpressions[0].values).toEqual(['recording-pipeline']);
    expect(composeService(newService)).not.toHaveProperty('ports');
  });

  it('keeps dev tools out of the base: the simulator lives in the dev overlay only', () => {
    const simulator = FLEET_DEFINITIONS.find((d) => d.name === 'telephony-sim') as ServiceDefinition;
    expect(kubernetesManifestPath(simulator)).toBe('k8s/overlays/dev/telephony-sim/telephony-sim.yaml');
    const base = parse(generated.get('k8s/base/services/kustomization.yaml') as string);
    expect(base.resources).not.toContain('telephony-sim.yaml');
  });
});
