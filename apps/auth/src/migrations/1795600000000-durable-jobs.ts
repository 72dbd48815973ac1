import { createJobsTable, dropJobsTable } from '@callfleet/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Durable jobs and timers of auth (libs/persistence jobs): `auth.jobs`. */
export class DurableJobs1795600000000 implements MigrationInterface {
  name = 'DurableJobs1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await createJobsTable(q, 'auth');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropJobsTable(q, 'auth');
  }
}
