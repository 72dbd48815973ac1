import type { KV, KvWatchEntry, KvWatchOptions } from '@nats-io/kv';
import type { Logger } from '@nestjs/common';

const RESTART_DELAY_MS = 1_000;

/**
 * Watches a bucket until stopped, resuming after the last revision seen when the watch breaks (a
 * broker restart, a JetStream election), so a replica never keeps a stale copy for long.
 */
export class KvWatch {
  private stopped = false;
  private lastRevision = 0;
  private watcher?: { stop(): void };
  private done?: Promise<void>;

  constructor(
    private readonly open: () => Promise<KV>,
    private readonly apply: (entry: KvWatchEntry) => void,
    private readonly logger: Logger,
    private readonly options: Pick<KvWatchOptions, 'include'> = {},
  ) {}

  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.stop();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const kv = await this.open();
        const entries = await kv.watch(
          this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : { ...this.options },
        );
        this.watcher = entries;
        if (this.stopped) entries.stop();
        for await (const entry of entries) {
          this.lastRevision = Math.max(this.lastRevision, entry.revision);
          try {
            this.apply(entry);
          } catch (error) {
            this.logger.warn(`watch entry ${entry.key} skipped: ${String(error)}`);
          }
        }
      } catch (error) {
        if (!this.stopped) this.logger.warn(`watch failed: ${String(error)}`);
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS).unref());
    }
  }
}
