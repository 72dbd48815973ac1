/**
 * Where "now" comes from. Everything that waits or schedules (durable jobs and timers, expiries)
 * reads time here, so a test moves time with a ManualClock instead of sleeping or shrinking
 * operators' settings.
 */
export abstract class Clock {
  abstract now(): Date;

  nowMs(): number {
    return this.now().getTime();
  }

  /**
   * Calls `listener` whenever time jumps (a ManualClock advanced), so pollers re-check at once.
   * The system clock never jumps; the returned function unsubscribes.
   */
  onJump(_listener: () => void): () => void {
    return () => undefined;
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to: for tests. */
export class ManualClock extends Clock {
  private current: number;
  private readonly listeners = new Set<() => void>();

  constructor(start: Date | number = Date.UTC(2030, 0, 1)) {
    super();
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(to: Date | number): void {
    this.current = typeof to === 'number' ? to : to.getTime();
    for (const listener of this.listeners) listener();
  }

  override onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
