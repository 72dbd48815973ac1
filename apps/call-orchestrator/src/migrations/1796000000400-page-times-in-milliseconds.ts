import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Destinations' and targets' `created_at` kept to the millisecond: their cursor pages carry the last
 * row's time as JavaScript sees it (milliseconds), and a stored microsecond part would make the
 * row after the cursor compare as the cursor's own row (shown twice) or skip its neighbours.
 */
export class PageTimesInMilliseconds1796000000400 implements MigrationInterface {
  name = 'PageTimesInMilliseconds1796000000400';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['destinations', 'targets']) {
      await q.query(`ALTER TABLE orchestrator.${table} ALTER COLUMN created_at TYPE timestamptz(3)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['destinations', 'targets']) {
      await q.query(`ALTER TABLE orchestrator.${table} ALTER COLUMN created_at TYPE timestamptz`);
    }
  }
}
