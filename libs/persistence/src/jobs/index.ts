export * from './job-handler.decorator';
export { JobRunner, type JobsOptions } from './job-runner';
export * from './job-scheduler';
export * from './jobs.module';
export * from './jobs-table';
export * from './recurrence';
