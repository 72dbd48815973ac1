import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SubjectNamespace } from './subject-namespace';

/**
 * Deletes every JetStream stream and KV bucket of an ephemeral namespace (a test run, a benchmark,
 * a preview environment), so a shared broker does not fill up with their leftovers. Refuses the
 * empty namespace: that is production's.
 */
export async function purgeNamespace(nc: NatsConnection, namespace: string): Promise<number> {
  if (!namespace) throw new Error('refusing to purge the default (production) namespace');
  const ns = new SubjectNamespace(namespace);
  const streamPrefix = ns.stream('');
  const bucketPrefix = `KV_${ns.bucket('')}`;
  const jsm = await jetstreamManager(nc);
  const doomed: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(streamPrefix) || name.startsWith(bucketPrefix)) doomed.push(name);
  }
  for (const name of doomed) await jsm.streams.delete(name).catch(() => undefined);
  return doomed.length;
}
