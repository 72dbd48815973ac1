import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { SimAccount } from '../accounts/sim-account';
import { type ScenarioName, selectScenario } from '../calls/scenarios';
import { TelephonySimConfig } from '../telephony-sim.config';

/** How a provider API request fails; each flavour answers it in its own format. */
export type ApiFault =
  | { kind: 'error' }
  | { kind: 'unavailable'; retryAfterSeconds: number }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

/** Requests to a flaky number that fail before one goes through. */
const FLAKY_FAILURES = 2;
const RATE_LIMIT_RETRY_AFTER_SECONDS = 1;

/**
 * The failing provider API of the resilience tests: an account-wide switch (admin API), or the
 * dialed number's scenario (500, 429 with Retry-After, 503 twice then fine, slow).
 */
@Injectable()
export class ApiFaultsService {
  private readonly flakyCounts = new Map<string, number>();

  constructor(private readonly config: TelephonySimConfig) {}

  /** Waits when the request should be slow; returns the fault to answer with, if any. */
  async check(account: SimAccount, dialedNumber?: string): Promise<ApiFault | undefined> {
    const fault = this.fromSwitch(account) ?? (dialedNumber ? this.fromScenario(account, dialedNumber) : undefined);
    if (fault === 'slow') {
      await sleep(this.config.SIM_API_SLOW_MS);
      return undefined;
    }
    return fault;
  }

  reset(): void {
    this.flakyCounts.clear();
  }

  private fromSwitch(account: SimAccount): ApiFault | 'slow' | undefined {
    const active = account.apiFault;
    if (!active) return undefined;
    if (active.remaining !== null) {
      active.remaining -= 1;
      if (active.remaining <= 0) account.apiFault = null;
    }
    switch (active.mode) {
      case 'error':
        return { kind: 'error' };
      case 'unavailable':
        return { kind: 'unavailable', retryAfterSeconds: active.retryAfterSeconds };
      case 'rate-limited':
        return { kind: 'rate-limited', retryAfterSeconds: active.retryAfterSeconds };
      case 'slow':
        return 'slow';
    }
  }

  private fromScenario(account: SimAccount, dialedNumber: string): ApiFault | 'slow' | undefined {
    const scenario: ScenarioName = selectScenario(dialedNumber, account.seed, 0);
    switch (scenario) {
      case 'api-error':
        return { kind: 'error' };
      case 'api-rate-limited':
        return { kind: 'rate-limited', retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS };
      case 'api-slow':
        return 'slow';
      case 'api-flaky': {
        const key = `${account.sid}|${dialedNumber}`;
        const failures = this.flakyCounts.get(key) ?? 0;
        if (failures >= FLAKY_FAILURES) return undefined;
        this.flakyCounts.set(key, failures + 1);
        return { kind: 'unavailable', retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS };
      }
      default:
        return undefined;
    }
  }
}
