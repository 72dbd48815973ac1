import { type ServiceDefinition } from '@callfleet/platform';
import { Injectable, Logger, Module } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createJobsTable,
  DatabaseServiceConfig,
  dropJobsTable,
  type JobContext,
  JobHandler,
  JobsModule,
  PersistenceModule,
  type SchemaOptions,
} from '../src';

export const FIXTURE_SCHEMA = 'jobs_fixture';

class CreateJobsFixture1700000000000 implements MigrationInterface {
  name = 'CreateJobsFixture1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await createJobsTable(q, FIXTURE_SCHEMA);
    // What handlers did, written in their job's transaction: a row here means the job's attempt committed.
    await q.query(
      `CREATE TABLE ${FIXTURE_SCHEMA}.effects (job_key text NOT NULL, attempt int NOT NULL, runner text NOT NULL)`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${FIXTURE_SCHEMA}.effects`);
    await dropJobsTable(q, FIXTURE_SCHEMA);
  }
}

export const fixtureSchema: SchemaOptions = {
  schema: FIXTURE_SCHEMA,
  entities: [],
  migrations: [CreateJobsFixture1700000000000],
};

export interface Execution {
  key: string;
  attempt: number;
  at: number;
}

/** Job handlers as features write them; every call is also remembered in memory, committed or not. */
@Injectable()
export class FixtureJobs {
  private readonly logger = new Logger('FixtureJobs');
  readonly executions: Execution[] = [];

  private async effect(context: JobContext): Promise<void> {
    this.executions.push({ key: context.key, attempt: context.attempt, at: context.now.getTime() });
    await context.manager.query(
      `INSERT INTO ${FIXTURE_SCHEMA}.effects (job_key, attempt, runner) VALUES ($1, $2, $3)`,
      [context.key, context.attempt, String(process.pid)],
    );
  }

  @JobHandler('fixture.effect')
  async record(_payload: object, context: JobContext): Promise<void> {
    await this.effect(context);
  }

  /** Writes its effect, then throws: the effect must be rolled back with the attempt. */
  @JobHandler('fixture.failing', { maxAttempts: 3, backoff: { baseDelayMs: 1_000, maxDelayMs: 60_000 } })
  async failing(_payload: object, context: JobContext): Promise<void> {
    await this.effect(context);
    throw new Error(`boom on attempt ${context.attempt}`);
  }

  /** Takes `ms` of real time, like a job doing real work (the shutdown test sends SIGTERM meanwhile). */
  @JobHandler('fixture.slow')
  async slow(payload: { ms: number }, context: JobContext): Promise<void> {
    this.logger.log(`slow job started in ${process.pid}`);
    await new Promise((resolve) => setTimeout(resolve, payload.ms));
    await this.effect(context);
  }

  private releaseStalled?: () => void;
  private readonly stalled = new Promise<void>((resolve) => {
    this.releaseStalled = resolve;
  });

  /** Lets a stalled first attempt go on (to its completion, which its lost lease must refuse). */
  release(): void {
    this.releaseStalled?.();
  }

  /** Writes its effect, then stalls on its first attempt until released; later attempts just write it. */
  @JobHandler('fixture.stalls-once')
  async stallsOnce(_payload: object, context: JobContext): Promise<void> {
    await this.effect(context);
    if (context.attempt === 1) await this.stalled;
  }

  /** Hangs on its first attempt (the process test kills it there); completes on the next. */
  @JobHandler('fixture.hangs-once')
  async hangsOnce(_payload: object, context: JobContext): Promise<void> {
    if (context.attempt === 1) {
      this.logger.log(`hanging job started in ${process.pid}`);
      await new Promise(() => undefined);
    }
    await this.effect(context);
  }
}

@Module({
  imports: [
    PersistenceModule.forSchema(fixtureSchema),
    // A short lease and poll, so a killed runner's job is taken over within seconds of real time.
    JobsModule.forRoot({ leaseMs: 2_000, pollIntervalMs: 500 }),
  ],
  providers: [FixtureJobs],
})
export class JobsFixtureModule {}

export class JobsFixtureConfig extends DatabaseServiceConfig {}

/** A tiny service that owns a schema with a jobs table and a few job handlers. */
export const jobsFixtureService: ServiceDefinition<JobsFixtureConfig> = {
  // Any fleet name will do for a fixture; it never runs beside the real one.
  name: 'call-orchestrator',
  description: 'jobs fixture',
  port: 0,
  module: JobsFixtureModule,
  config: JobsFixtureConfig,
};
