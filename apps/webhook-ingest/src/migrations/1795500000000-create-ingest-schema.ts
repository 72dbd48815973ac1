import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ingest schema: provider accounts (secrets sealed), processed event ids, the delivery log, RingCentral subscriptions. */
export class CreateIngestSchema1795500000000 implements MigrationInterface {
  name = 'CreateIngestSchema1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest.provider_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        provider text NOT NULL CHECK (provider IN ('twilio', 'exotel', 'ringcentral', 'jambonz', 'generic')),
        account_key text NOT NULL,
        name text NOT NULL,
        api_base_url text,
        ip_allow_list text[] NOT NULL DEFAULT '{}',
        secret_names text[] NOT NULL DEFAULT '{}',
        secrets_key_id text NOT NULL,
        secrets_sealed text NOT NULL,
        is_dev_simulator boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_accounts_key_unique UNIQUE (account_key)
      )`);
    await q.query(`CREATE INDEX provider_accounts_org_idx ON ingest.provider_accounts (org_id, created_at)`);
    // One simulator account per org, however often the registration event is redelivered.
    await q.query(
      `CREATE UNIQUE INDEX provider_accounts_dev_simulator_unique ON ingest.provider_accounts (org_id) WHERE is_dev_simulator`,
    );

    await q.query(`
      CREATE TABLE ingest.processed_webhook_events (
        event_id text PRIMARY KEY,
        provider text NOT NULL,
        account_key text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX processed_webhook_events_age_idx ON ingest.processed_webhook_events (processed_at)`);

    await q.query(`
      CREATE TABLE ingest.webhook_delivery_log (
        id bigserial PRIMARY KEY,
        received_at timestamptz NOT NULL,
        request_id text NOT NULL,
        provider text NOT NULL,
        account_key text,
        kind text NOT NULL,
        status_code integer NOT NULL,
        latency_ms real NOT NULL,
        verification text NOT NULL,
        event_count integer NOT NULL DEFAULT 0,
        error text
      )`);
    await q.query(`CREATE INDEX webhook_delivery_log_age_idx ON ingest.webhook_delivery_log (received_at)`);

    await q.query(`
      CREATE TABLE ingest.provider_subscriptions (
        account_id uuid PRIMARY KEY REFERENCES ingest.provider_accounts (id) ON DELETE CASCADE,
        subscription_id text,
        status text NOT NULL CHECK (status IN ('pending', 'active', 'failing')),
        expires_at timestamptz,
        failures integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX provider_subscriptions_due_idx ON ingest.provider_subscriptions (next_attempt_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingest.provider_subscriptions');
    await q.query('DROP TABLE ingest.webhook_delivery_log');
    await q.query('DROP TABLE ingest.processed_webhook_events');
    await q.query('DROP TABLE ingest.provider_accounts');
  }
}
