import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  type BaseServiceConfig,
  type Clock,
  createService,
  type RunningService,
  type ServiceDefinition,
} from '@callfleet/platform';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { recordNamespace } from './namespace-cleanup';
import { TEST_NATS_URL } from './test-environment';

/**
 * A namespace (subject, stream and bucket prefix) unique to this test. It is recorded in the run's
 * namespace file (see namespace-cleanup.ts) so its streams and buckets are deleted when the run ends.
 */
export function testNamespace(): string {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  recordNamespace(namespace);
  return namespace;
}

/** Collects a service's JSON log lines, so tests can assert on what was (and was not) logged. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) this.lines.push(JSON.parse(line));
    }
    done();
  }
  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}

export interface TestServiceOptions {
  namespace: string;
  natsUrl?: string;
  /** The service's broker user (a private broker with the generated permissions); none: an open broker. */
  natsCredentials?: { user: string; password: string };
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Where the service's time comes from; a ManualClock lets the test move it instead of waiting. */
  clock?: Clock;
}

/** Boots a real service in this process on a free port, against real NATS and PostgreSQL. */
export async function startTestService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  options: TestServiceOptions,
): Promise<RunningService<C> & { logs: LogCapture }> {
  const logs = new LogCapture();
  const service = await createService(definition, {
    env: {
      NODE_ENV: 'test',
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NATS_URL: options.natsUrl ?? TEST_NATS_URL,
      CALLFLEET_NAMESPACE: options.namespace,
      ...(options.natsCredentials
        ? { NATS_USER: options.natsCredentials.user, NATS_PASSWORD: options.natsCredentials.password }
        : {}),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    },
    logDestination: logs,
    clock: options.clock,
  });
  return Object.assign(service, { logs });
}

/** A plain NATS client (not Nest), as another team would use. */
export function plainNatsClient(url = TEST_NATS_URL): Promise<NatsConnection> {
  return connect({ servers: url, name: 'test-client' });
}
