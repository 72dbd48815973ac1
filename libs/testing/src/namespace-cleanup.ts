import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
// Relative on purpose: Jest's global setup/teardown do not apply the @callfleet/* module mapping.
import { purgeNamespace } from '../../platform/src/nats/purge-namespace';

/**
 * Test namespaces live on the machine's shared NATS; without cleanup every run would leave its
 * streams and KV buckets behind. Each namespace a test takes is appended to a file named for the
 * run (set by the global setup), and the global teardown purges exactly those — never another
 * run's, which may be going on at the same time.
 */
const RUN_FILE_VARIABLE = 'CALLFLEET_TEST_NAMESPACES_FILE';

export function recordNamespace(namespace: string): void {
  const file = process.env[RUN_FILE_VARIABLE];
  if (file) appendFileSync(file, `${namespace}\n`);
}

export function startNamespaceRecording(): void {
  process.env[RUN_FILE_VARIABLE] ??= join(tmpdir(), `callfleet-test-namespaces-${process.pid}-${Date.now()}`);
}

export async function purgeRecordedNamespaces(natsUrl: string): Promise<void> {
  const file = process.env[RUN_FILE_VARIABLE];
  if (!file || !existsSync(file)) return;
  const namespaces = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
  const nc = await connect({ servers: natsUrl, name: 'test-namespace-cleanup', timeout: 2_000 }).catch(() => undefined);
  if (nc) {
    for (const namespace of namespaces) await purgeNamespace(nc, namespace).catch(() => undefined);
    await nc.close();
  }
  rmSync(file, { force: true });
}
