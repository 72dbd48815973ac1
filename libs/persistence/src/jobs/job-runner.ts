import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type BaseServiceConfig, Clock, MetricsService, SERVICE_CONFIG } from '@callfleet/platform';
import type { BackoffOptions } from '@callfleet/resilience';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Gauge } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { PgListener } from '../notifications/pg-listener';
import {
  JOB_HANDLER,
  type JobContext,
  type JobHandlerFunction,
  type JobHandlerMetadata,
  type JobOutcome,
} from './job-handler.decorator';
import { type ClaimedJob, JobQueue, LeaseLostError } from './job-queue';
import { JobScheduler } from './job-scheduler';
import { jobsChannel } from './jobs-table';
import { nextOccurrence, parseRecurrence } from './recurrence';
import { afterFailure } from './retry-decision';

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

export interface JobsOptions {
  /** Jobs one process runs at once (default 4). */
  concurrency?: number;
  /** A claimed job is the runner's until then, renewed while it runs; after a crash, others take it (default 30 s). */
  leaseMs?: number;
  /** Looks for due jobs at least this often, should a notification be missed (default 10 s). */
  pollIntervalMs?: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000 };
const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_ERROR_LENGTH = 1_000;

interface RegisteredHandler {
  kind: string;
  run: JobHandlerFunction;
  maxAttempts: number;
  backoff: BackoffOptions;
  transactional: boolean;
}

type RunOutcome = 'done' | 'retried' | 'failed' | 'lease-lost';

/**
 * Runs the service's durable jobs: finds the `@JobHandler` methods of its providers, claims due jobs
 * of those kinds with SKIP LOCKED (any number of replicas share one table), runs each under a lease
 * it keeps renewing, and records the outcome. Woken by NOTIFY when a job is scheduled, by the
 * Clock when a test moves time, by a timer at the next due run, and by a slow poll as a fallback.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, RegisteredHandler>();
  private readonly queue: JobQueue;
  private readonly schema: string;
  private readonly runnerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly runs;
  private readonly duration;
  private unsubscribe: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private pollAgain = false;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    scheduler: JobScheduler,
    metrics: MetricsService,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    @Inject(JOBS_OPTIONS) options: JobsOptions,
    @Inject(PgListener) private readonly listener: PgListener,
  ) {
    this.schema = scheduler.schema;
    this.queue = new JobQueue(dataSource, scheduler.schema);
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 10_000;
    // Registered at start, so the failed-jobs alert finds the metric before the first failure.
    this.runs = metrics.counter('callfleet_jobs_runs_total', 'Job attempts by kind and outcome', ['kind', 'outcome']);
    this.duration = metrics.histogram('callfleet_job_duration_seconds', 'Job attempts by kind', ['kind']);
    this.registerOverdueGauge(metrics);
  }

  /**
   * How late the most overdue job is, read at each scrape: it grows when no replica claims due jobs
   * (runners stuck, or a kind that no deployed version handles any more).
   */
  private registerOverdueGauge(metrics: MetricsService): void {
    const name = 'callfleet_jobs_overdue_seconds';
    if (metrics.registry.getSingleMetric(name)) return;
    const { dataSource, queue, clock } = this;
    new Gauge({
      name,
      help: 'Seconds since the most overdue job of the schema became due without being run (0: none)',
      registers: [metrics.registry],
      async collect() {
        if (!dataSource.isInitialized) return;
        const now = clock.now();
        const oldest = await queue.oldestDueAt(now).catch(() => undefined);
        this.set(oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.discoverHandlers();
    if (this.handlers.size === 0) return;
    this.stopped = false;
    this.unsubscribe.push(this.clock.onJump(() => this.wake()));
    this.unsubscribe.push(await this.listener.listen(jobsChannel(this.schema), () => this.wake()));
    this.wake();
  }

  /** Stops claiming, then lets the attempts under way finish within half the shutdown grace. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.polling;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.config.SHUTDOWN_GRACE_MS / 2).unref());
    await Promise.race([Promise.allSettled(this.inFlight), grace]);
    if (this.inFlight.size > 0) {
      this.logger.warn(
        `${this.inFlight.size} job(s) still running at shutdown: another replica takes them after the lease`,
      );
    }
  }

  /** Resolves once no poll and no job is under way (tests: "nothing else is going to run now"). */
  async idle(): Promise<void> {
    while (this.polling || this.inFlight.size > 0) {
      await this.polling;
      await Promise.allSettled(this.inFlight);
    }
  }

  /**
   * Runs the job `key` now, in this process, when it is pending and due (its scheduler's transaction
   * committed): claimed as a poll claims it, then run as a polled job is (handler, lease, outcome,
   * metrics), not held back by `concurrency` (the caller's own rate bounds it). Spares a just-scheduled
   * job the wake-up and the poll when its latency matters. A runner that claimed it first wins (false
   * then, nothing done here); a crash leaves the lease to expire and another runner to retry it.
   * Never rejects; tracked, so shutdown waits for it. True when it ran here, once run.
   */
  runNow(key: string): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const running = this.claimAndRun(key).catch((error: unknown) => {
      this.logger.warn(`job ${key} could not be run at once (a runner's poll takes it): ${String(error)}`);
      return false;
    });
    this.track(running);
    return running;
  }

  private async claimAndRun(key: string): Promise<boolean> {
    const now = this.clock.now();
    const job = await this.queue.claimByKey(
      key,
      this.kinds(),
      this.runnerId,
      now,
      new Date(now.getTime() + this.leaseMs),
    );
    if (!job) return false;
    await this.run(job);
    return true;
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  private discoverHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<JobHandlerMetadata | undefined>(JOB_HANDLER, fn as () => unknown);
        if (!meta) continue;
        if (this.handlers.has(meta.kind)) throw new Error(`two @JobHandler('${meta.kind}') methods`);
        this.handlers.set(meta.kind, {
          kind: meta.kind,
          run: (fn as JobHandlerFunction).bind(instance),
          maxAttempts: meta.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          backoff: meta.options.backoff ?? DEFAULT_BACKOFF,
          transactional: meta.options.transactional ?? true,
        });
        // Every kind's series exists from the start.
        for (const outcome of ['done', 'retried', 'failed'] satisfies RunOutcome[])
          this.runs.inc({ kind: meta.kind, outcome }, 0);
      }
    }
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.polling = this.poll()
      .catch((error: unknown) => this.logger.warn(`job poll failed: ${String(error)}`))
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.wake();
        }
      });
  }

  private async poll(): Promise<void> {
    const kinds = this.kinds();
    for (;;) {
      const free = this.concurrency - this.inFlight.size;
      if (this.stopped || free <= 0) return; // a finishing job wakes the runner again
      const now = this.clock.now();
      const claimed = await this.queue.claim(kinds, this.runnerId, now, new Date(now.getTime() + this.leaseMs), free);
      for (const job of claimed) this.track(this.run(job));
      if (claimed.length < free) break;
    }
    const next = await this.queue.nextWakeAt(kinds);
    const untilNext = next ? next.getTime() - this.clock.nowMs() : this.pollIntervalMs;
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), Math.max(0, Math.min(untilNext, this.pollIntervalMs))).unref();
  }

  private track(running: Promise<unknown>): void {
    this.inFlight.add(running);
    void running.finally(() => {
      this.inFlight.delete(running);
      this.wake();
    });
  }

  private async run(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) return; // claimed only for known kinds
    const started = this.clock.now();
    const stopTimer = this.duration.startTimer({ kind: job.kind });
    const heartbeat = setInterval(() => {
      void this.queue.extendLease(job, new Date(this.clock.nowMs() + this.leaseMs)).catch(() => undefined);
    }, this.leaseMs / 3);
    heartbeat.unref();
    let outcome: RunOutcome;
    try {
      outcome = await this.attempt(handler, job, started);
    } catch (error) {
      outcome = await this.recordFailure(handler, job, error);
    } finally {
      clearInterval(heartbeat);
      stopTimer();
    }
    this.runs.inc({ kind: job.kind, outcome });
  }

  private async attempt(handler: RegisteredHandler, job: ClaimedJob, started: Date): Promise<RunOutcome> {
    const call = async (manager: EntityManager) => {
      const context: JobContext = { key: job.key, kind: job.kind, attempt: job.attempt, now: started, manager };
      const result = (await handler.run(job.payload as never, context)) as JobOutcome | undefined;
      await this.queue.finish(manager, job, this.clock.now(), this.runAgainAt(job, result));
    };
    if (handler.transactional) await this.dataSource.transaction(call);
    else await call(this.dataSource.manager);
    return 'done';
  }

  private runAgainAt(job: ClaimedJob, result: JobOutcome | undefined): Date | undefined {
    if (job.recurrence) {
      return new Date(nextOccurrence(parseRecurrence(job.recurrence), this.clock.nowMs()));
    }
    return result?.runAgainAt;
  }

  private async recordFailure(handler: RegisteredHandler, job: ClaimedJob, error: unknown): Promise<RunOutcome> {
    if (error instanceof LeaseLostError) {
      this.logger.warn(error.message);
      return 'lease-lost';
    }
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    const now = this.clock.now();
    const decision = afterFailure({
      attempt: job.attempt,
      maxAttempts: job.maxAttempts ?? handler.maxAttempts,
      backoff: handler.backoff,
      recurrence: job.recurrence ? parseRecurrence(job.recurrence) : undefined,
      nowMs: now.getTime(),
    });
    const where = `job ${job.kind} ${job.key} (attempt ${job.attempt})`;
    try {
      if (decision.next === 'fail') {
        if (!(await this.queue.fail(job, now, reason))) return 'lease-lost';
        this.logger.error(`${where} failed for good: ${reason}`);
        return 'failed';
      }
      const fresh = decision.next === 'next-occurrence';
      if (!(await this.queue.retry(job, now, new Date(decision.runAtMs), reason, fresh))) return 'lease-lost';
      this.logger.warn(
        `${where} failed, ${fresh ? 'next run' : 'retry'} at ${new Date(decision.runAtMs).toISOString()}: ${reason}`,
      );
      return fresh ? 'failed' : 'retried';
    } catch (writeError) {
      // The lease runs out and another runner retries it.
      this.logger.error(`${where} failed (${reason}) and could not be recorded: ${String(writeError)}`);
      return 'retried';
    }
  }
}
