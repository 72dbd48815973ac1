import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '@callfleet/platform';
import { COMPOSE_NATS_CONFIG, renderComposeFile, renderComposeNatsConfig } from './compose-file';
import { kubernetesFiles } from './kubernetes-manifests';
import { natsKubernetesFiles } from './nats-manifests';

export const COMPOSE_TEMPLATE = 'deploy/compose/infrastructure.yml';

/** Every file `npm run deploy:generate` writes, by path from the repository root, with its content. */
export function deploymentFiles(rootDir: string, definitions: readonly ServiceDefinition[]): Map<string, string> {
  const files = new Map([...kubernetesFiles(definitions), ...natsKubernetesFiles(definitions)]);
  files.set(
    'docker-compose.yml',
    renderComposeFile(definitions, readFileSync(join(rootDir, COMPOSE_TEMPLATE), 'utf8')),
  );
  files.set(COMPOSE_NATS_CONFIG, renderComposeNatsConfig(definitions));
  return files;
}

/** Generated files on disk that no definition produces any more (a removed or renamed service). */
export function staleGeneratedFiles(rootDir: string, generated: ReadonlyMap<string, string>): string[] {
  const dirs = new Set(
    [...generated.keys()].filter((p) => p.startsWith('k8s/')).map((p) => p.slice(0, p.lastIndexOf('/'))),
  );
  dirs.add('k8s/base/services');
  return [...dirs]
    .filter((dir) => existsSync(join(rootDir, dir)))
    .flatMap((dir) => readdirSync(join(rootDir, dir)).map((file) => `${dir}/${file}`))
    .filter((path) => !generated.has(path));
}
