/**
 * A dependency that `/health/ready` checks besides NATS (PostgreSQL, S3). Features register theirs
 * with the HealthRegistry when they start.
 */
export interface DependencyCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export class HealthRegistry {
  private readonly checks: DependencyCheck[] = [];

  register(check: DependencyCheck): void {
    this.checks.push(check);
  }

  all(): readonly DependencyCheck[] {
    return this.checks;
  }
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
