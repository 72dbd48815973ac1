/**
 * `concurrency` loops running one round of traffic after another while the drill breaks things;
 * `stop()` lets the rounds in flight finish (a webhook burst with its retries, an API journey).
 */
export abstract class TrafficWorkers {
  private running = false;
  private workers: Promise<void>[] = [];

  protected constructor(private readonly concurrency: number) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.concurrency }, () => this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** One round; a worker starts the next as soon as it resolves. */
  protected abstract round(): Promise<void>;

  private async work(): Promise<void> {
    while (this.running) await this.round();
  }
}
