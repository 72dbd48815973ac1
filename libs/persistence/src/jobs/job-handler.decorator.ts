import type { BackoffOptions } from '@callfleet/resilience';
import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const JOB_HANDLER = Symbol('callfleet:job-handler');

export interface JobHandlerOptions {
  /** Attempts before the job is marked failed (default 5); `Infinity` retries until it succeeds. */
  maxAttempts?: number;
  /** Wait between attempts: full jitter under base·2^(attempt-1), at most max (default 1 s … 5 min). */
  backoff?: BackoffOptions;
  /**
   * Default true: the handler's `manager` is a transaction that also marks the job done, so its
   * database effects and the job's completion commit together or not at all. False for work that
   * must commit as it goes (batched deletes) or that waits long on others (then make it idempotent).
   */
  transactional?: boolean;
}

export interface JobContext {
  key: string;
  kind: string;
  /** 1 on the first run. */
  attempt: number;
  /** The service's clock when the attempt started. */
  now: Date;
  /** In a transaction with the job's completion, unless the handler is declared non-transactional. */
  manager: EntityManager;
}

/** What a handler may return: run this same job (same key) again at that time, as a fresh job. */
export interface JobOutcome {
  runAgainAt?: Date;
}

export type JobHandlerFunction = (payload: never, context: JobContext) => Promise<JobOutcome | undefined>;

export interface JobHandlerMetadata {
  kind: string;
  options: JobHandlerOptions;
}

/**
 * Declares a provider method as the handler of jobs of `kind`. It is called with the job's payload
 * and a {@link JobContext}; throwing retries the job with backoff, and after the last attempt the
 * job is marked failed with the error's message and counted in `callfleet_jobs_runs_total`.
 */
export function JobHandler(kind: string, options: JobHandlerOptions = {}): MethodDecorator {
  return SetMetadata<symbol, JobHandlerMetadata>(JOB_HANDLER, { kind, options });
}
