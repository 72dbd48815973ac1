import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JOBS_OPTIONS, JobRunner, type JobsOptions } from './job-runner';
import { JobScheduler } from './job-scheduler';

/**
 * Durable jobs and timers on the service's own schema (its migrations call createJobsTable):
 * JobScheduler to schedule, `@JobHandler` methods on any provider to run them. Global; import once,
 * after PersistenceModule.forSchema.
 */
@Module({})
export class JobsModule {
  static forRoot(options: JobsOptions = {}): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [{ provide: JOBS_OPTIONS, useValue: options }, JobScheduler, JobRunner],
      exports: [JobScheduler, JobRunner],
    };
  }
}
