import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import { findRootDir } from '../fleet/fleet-settings';
import { deploymentFiles, staleGeneratedFiles } from './deployment-files';

/**
 * `npm run deploy:generate`: writes docker-compose.yml and the per-service Kubernetes manifests from
 * the service definitions. A unit test (tools/deploy/deployment-files.spec.ts) fails while the
 * checked-in files differ from what this writes.
 */
const rootDir = findRootDir(__dirname);
const files = deploymentFiles(rootDir, FLEET_DEFINITIONS);
for (const stale of staleGeneratedFiles(rootDir, files)) {
  rmSync(join(rootDir, stale));
  process.stdout.write(`deploy | removed ${stale}\n`);
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(rootDir, path)), { recursive: true });
  writeFileSync(join(rootDir, path), content);
  process.stdout.write(`deploy | wrote ${path}\n`);
}
