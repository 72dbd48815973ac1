import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single calls (outside a hunt) on the calls model: a line may be leased by one call instead of a
 * hunt (`leased_call_id`, never both; the reclaim timer gives back either); a call remembers its line,
 * when its dial request was taken (`dial_sent_at`, so a retried dial job never sends a second request)
 * and when the provider took it (`started_at`); its `created_at` is kept to the millisecond, as the
 * other paged tables' are (the list's cursor carries it as JavaScript sees it).
 */
export class SingleCalls1796000000910 implements MigrationInterface {
  name = 'SingleCalls1796000000910';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orchestrator.lines ADD COLUMN leased_call_id uuid`);
    await q.query(`ALTER TABLE orchestrator.lines DROP CONSTRAINT lines_lease_whole`);
    await q.query(`ALTER TABLE orchestrator.lines ADD CONSTRAINT lines_lease_whole CHECK (
      ((leased_hunt_id IS NULL AND leased_call_id IS NULL) = (lease_expires_at IS NULL))
      AND (leased_hunt_id IS NULL OR leased_call_id IS NULL)
      AND (leased_leg_id IS NULL OR leased_hunt_id IS NOT NULL))`);
    await q.query(`DROP INDEX orchestrator.lines_org_free_idx`);
    await q.query(
      `CREATE INDEX lines_org_free_idx ON orchestrator.lines (org_id, provider_account_id)
        WHERE leased_hunt_id IS NULL AND leased_call_id IS NULL AND enabled AND removed_at IS NULL`,
    );
    await q.query(`ALTER TABLE orchestrator.calls ADD COLUMN line_id uuid`);
    await q.query(`ALTER TABLE orchestrator.calls ADD COLUMN dial_sent_at timestamptz`);
    await q.query(`ALTER TABLE orchestrator.calls ADD COLUMN started_at timestamptz`);
    await q.query(`ALTER TABLE orchestrator.calls ALTER COLUMN created_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orchestrator.calls ALTER COLUMN created_at TYPE timestamptz`);
    for (const column of ['started_at', 'dial_sent_at', 'line_id']) {
      await q.query(`ALTER TABLE orchestrator.calls DROP COLUMN ${column}`);
    }
    await q.query(`DROP INDEX orchestrator.lines_org_free_idx`);
    await q.query(
      `CREATE INDEX lines_org_free_idx ON orchestrator.lines (org_id, provider_account_id)
        WHERE leased_hunt_id IS NULL AND enabled AND removed_at IS NULL`,
    );
    await q.query(`UPDATE orchestrator.lines SET lease_expires_at = NULL WHERE leased_call_id IS NOT NULL`);
    await q.query(`ALTER TABLE orchestrator.lines DROP CONSTRAINT lines_lease_whole`);
    await q.query(`ALTER TABLE orchestrator.lines DROP COLUMN leased_call_id`);
    await q.query(`ALTER TABLE orchestrator.lines ADD CONSTRAINT lines_lease_whole CHECK (
      (leased_hunt_id IS NULL) = (lease_expires_at IS NULL) AND (leased_leg_id IS NULL OR leased_hunt_id IS NOT NULL))`);
  }
}
