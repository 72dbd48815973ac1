import { Streams, TelephonyIngress } from '@callfleet/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type ConnectionOptions, connect } from '@nats-io/transport-node';
import { Client } from 'pg';

/** How often each key occurs in the rows a query returns as (key, count). */
async function countsBy(databaseUrl: string, sql: string, params: unknown[]): Promise<Map<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string; count: string }>(sql, params);
    return new Map(rows.map((r) => [r.key, Number(r.count)]));
  } finally {
    await client.end();
  }
}

/** What the fleet kept of the API traffic, counted per key the drill wrote it under. */
export interface StoredApiState {
  /** Users per registered email (auth). */
  users: Map<string, number>;
  /** Provider accounts per name (webhook-ingest). */
  providerAccounts: Map<string, number>;
  /** API keys per name (auth). */
  apiKeys: Map<string, number>;
  /**
   * The simulator accounts webhook-ingest creates for each new organization, per owner's email:
   * auth's outbox → EVENTS → webhook-ingest's durable consumer, so exactly one each tells that the
   * relay and the consumer survived the drill without losing or repeating an event.
   */
  devAccounts: Map<string, number>;
}

export async function storedApiState(
  databaseUrl: string,
  keys: {
    emails: string[];
    providerAccountNames: string[];
    apiKeyNames: string[];
  },
): Promise<StoredApiState> {
  const [users, providerAccounts, apiKeys, devAccounts] = await Promise.all([
    countsBy(databaseUrl, 'SELECT email AS key, count(*) FROM auth.users WHERE email = ANY($1) GROUP BY email', [
      keys.emails,
    ]),
    countsBy(
      databaseUrl,
      'SELECT name AS key, count(*) FROM ingest.provider_accounts WHERE name = ANY($1) GROUP BY name',
      [keys.providerAccountNames],
    ),
    countsBy(databaseUrl, 'SELECT name AS key, count(*) FROM auth.api_keys WHERE name = ANY($1) GROUP BY name', [
      keys.apiKeyNames,
    ]),
    countsBy(
      databaseUrl,
      `SELECT u.email AS key, count(pa.id) FROM auth.users u
         JOIN auth.memberships m ON m.user_id = u.id
         JOIN ingest.provider_accounts pa ON pa.org_id = m.org_id AND pa.is_dev_simulator
       WHERE u.email = ANY($1) GROUP BY u.email`,
      [keys.emails],
    ),
  ]);
  return { users, providerAccounts, apiKeys, devAccounts };
}

/** Rows of webhook-ingest's processed-events table per call sid (`twilio:<accountKey>:<CallSid>:<status>`). */
export function processedWebhookCounts(databaseUrl: string): Promise<Map<string, number>> {
  return countsBy(
    databaseUrl,
    `SELECT split_part(event_id, ':', 3) AS key, count(*) FROM ingest.processed_webhook_events GROUP BY 1`,
    [],
  );
}

/**
 * Messages in the INGRESS stream per call id: what the consumers of provider events will see. Read
 * through the durable consumer `durable` (the only one the broker lets the drill's user make).
 */
export async function ingressCallCounts(durable: string, options: ConnectionOptions): Promise<Map<string, number>> {
  const nc = await connect({ ...options, name: durable });
  try {
    const stream = Streams.INGRESS.name;
    const jsm = await jetstreamManager(nc);
    const { messages } = (await jsm.streams.info(stream)).state;
    const counts = new Map<string, number>();
    if (messages === 0) return counts;
    await jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: TelephonyIngress.subject,
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.None,
    });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    let read = 0;
    while (read < messages) {
      const batch = await consumer.fetch({ max_messages: Math.min(1_000, messages - read), expires: 5_000 });
      let got = 0;
      for await (const msg of batch) {
        got += 1;
        const callId = String(msg.json<{ callId?: string }>().callId ?? '');
        counts.set(callId, (counts.get(callId) ?? 0) + 1);
      }
      if (got === 0) throw new Error(`INGRESS: read ${read} of ${messages} messages, then nothing more`);
      read += got;
    }
    return counts;
  } finally {
    await nc.close();
  }
}
