import { TrafficWorkers } from './traffic-workers';

export interface WebhookDeliveryRecord {
  callSid: string;
  /** Some attempt was answered 2xx: the provider considers it delivered and will not send it again. */
  acknowledged: boolean;
  /** The answers of the attempts that failed (and were retried while retries were left). */
  failedAttempts: (number | string)[];
}

export interface WebhookTrafficOptions {
  /** The telephony simulator's base URL and admin token. */
  simulatorUrl: string;
  adminToken: string;
  /** The status callback URL of the provider account (through the webhook-ingest front). */
  statusUrl: string;
  /** Bursts in flight at once, and callbacks per burst (each a distinct simulated call). */
  concurrency: number;
  burstSize: number;
}

interface BurstAnswer {
  deliveries: { callSid: string; outcome: string; attempts: { status?: number; error?: string }[] }[];
}

/**
 * The telephony simulator firing signed Twilio status callbacks at webhook-ingest with its
 * provider-like retries (5xx, refused and timed-out attempts are sent again), burst after burst,
 * while the drill breaks things. Each burst answers once every callback in it is settled.
 */
export class WebhookTraffic extends TrafficWorkers {
  readonly deliveries: WebhookDeliveryRecord[] = [];
  readonly failures: string[] = [];

  constructor(private readonly options: WebhookTrafficOptions) {
    super(options.concurrency);
  }

  protected async round(): Promise<void> {
    try {
      const response = await fetch(`${this.options.simulatorUrl}/admin/webhook-bursts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: this.options.statusUrl,
          count: this.options.burstSize,
          concurrency: this.options.burstSize,
        }),
        signal: AbortSignal.timeout(180_000),
      });
      if (!response.ok) throw new Error(`simulator answered ${response.status}: ${await response.text()}`);
      const answer = (await response.json()) as BurstAnswer;
      for (const d of answer.deliveries) {
        this.deliveries.push({
          callSid: d.callSid,
          acknowledged: d.outcome === 'delivered',
          failedAttempts: d.attempts
            .filter((a) => a.status === undefined || a.status >= 400)
            .map((a) => a.status ?? a.error ?? 'error'),
        });
      }
    } catch (error) {
      // The simulator itself is not under test; a burst it could not run is reported, not counted.
      this.failures.push(String((error as Error).message ?? error));
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
