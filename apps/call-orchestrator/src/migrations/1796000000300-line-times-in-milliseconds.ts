import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lines' `created_at` kept to the millisecond, as destinations' and targets' are (1796000000400):
 * the list's cursor carries the last row's time as JavaScript sees it, and the rows of one sync
 * share one now(), so a stored microsecond part would show the same page again and again.
 */
export class LineTimesInMilliseconds1796000000300 implements MigrationInterface {
  name = 'LineTimesInMilliseconds1796000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orchestrator.lines ALTER COLUMN created_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orchestrator.lines ALTER COLUMN created_at TYPE timestamptz`);
  }
}
