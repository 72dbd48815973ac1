import type { QueryRunner } from 'typeorm';

export const OUTBOX_TABLE = 'outbox';

function quoted(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `"${schema}"`;
}

/** `"<schema>".outbox`, the table a schema's events wait in until they are on JetStream. */
export function outboxTable(schema: string): string {
  return `${quoted(schema)}.${OUTBOX_TABLE}`;
}

/** The NOTIFY channel that wakes the relays of one schema's outbox. */
export function outboxChannel(schema: string): string {
  quoted(schema);
  return `${schema}_outbox`;
}

/**
 * Creates `<schema>.outbox`. A service's own migration calls it, so the table is versioned with the
 * rest of the schema. `id` orders events (publication order, per order key); `envelope` is kept as
 * `json`, not `jsonb`, so what is published is byte for byte what was written.
 */
export async function createOutboxTable(q: QueryRunner, schema: string): Promise<void> {
  const table = outboxTable(schema);
  await q.query(`
    CREATE TABLE ${table} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id uuid NOT NULL,
      subject text NOT NULL,
      envelope json NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      order_key text,
      created_at timestamptz NOT NULL,
      available_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      sent_at timestamptz,
      CONSTRAINT ${OUTBOX_TABLE}_event_id_unique UNIQUE (event_id)
    )`);
  // The relay's claim (due, unsent, by id), the order check (unsent by key) and the metrics (unsent).
  await q.query(
    `CREATE INDEX ${OUTBOX_TABLE}_unsent_idx ON ${table} (id) INCLUDE (available_at) WHERE sent_at IS NULL`,
  );
  await q.query(`CREATE INDEX ${OUTBOX_TABLE}_unsent_key_idx ON ${table} (order_key, id) WHERE sent_at IS NULL`);
  // The cleanup of published events.
  await q.query(`CREATE INDEX ${OUTBOX_TABLE}_sent_idx ON ${table} (sent_at) WHERE sent_at IS NOT NULL`);
}

export async function dropOutboxTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS ${outboxTable(schema)}`);
}
