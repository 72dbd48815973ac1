import { createInbox, type NatsConnection } from '@nats-io/transport-node';

interface DiscoveryAnswer {
  metadata?: { namespace?: string };
}

/**
 * The `$SRV.<verb>.<service>` answer of the instance running in `namespace`. Every instance on the
 * broker answers, those of other test files too, so this waits for ours instead of taking the first
 * reply or collecting replies for a fixed time.
 */
export async function discoveryAnswerOf<T>(
  nc: NatsConnection,
  verb: 'PING' | 'INFO' | 'STATS',
  service: string,
  namespace: string,
  timeoutMs = 5_000,
): Promise<T> {
  const inbox = createInbox();
  const replies = nc.subscribe(inbox);
  const timer = setTimeout(() => replies.unsubscribe(), timeoutMs);
  try {
    nc.publish(`$SRV.${verb}.${service}`, '', { reply: inbox });
    for await (const message of replies) {
      const answer = message.json<T & DiscoveryAnswer>();
      if (answer.metadata?.namespace === namespace) return answer;
    }
  } finally {
    clearTimeout(timer);
    replies.unsubscribe();
  }
  throw new Error(`no $SRV.${verb}.${service} answer from namespace ${namespace} within ${timeoutMs} ms`);
}
