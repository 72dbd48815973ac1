import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsService } from '@callfleet/platform';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { HistoryEntry, SimCall } from '../calls/sim-call';
import { simSecondsSince } from '../calls/sim-clock';
import { TelephonySimConfig } from '../telephony-sim.config';
import {
  classifyAttempt,
  parseRetryOn,
  policyForUrl,
  type RetryPolicy,
  retryDelayMs,
  shouldRetry,
} from './retry-policy';
import { formEncode, type SignedParams } from './twilio-signature';
import type { WebhookAttempt, WebhookBody, WebhookDelivery, WebhookKind } from './webhook-delivery';

/** A callback to send. `sign` gets the URL as it will be requested and returns the signature headers. */
export interface OutboundWebhook {
  kind: WebhookKind;
  url: string;
  method?: 'GET' | 'POST';
  body: WebhookBody;
  headers?: Record<string, string>;
  sign?: (requestUrl: string, params: SignedParams) => Record<string, string>;
  /** Overrides the configured retry count (an account setting); the URL's `#rc=` still wins. */
  retries?: number;
  /** Extra identical copies to send after this one (duplicate-delivery switch). */
  copies?: number;
  /** Overrides the attempt timeout (RingCentral gives its validation handshake 3 s). */
  timeoutMs?: number;
}

export interface WebhookResult {
  delivery: WebhookDelivery;
  status?: number;
  headers: Headers;
  body: string;
}

const RESPONSE_BODY_LIMIT = 64 * 1024;
const RECORDED_BODY_LIMIT = 2048;

/**
 * Sends the simulator's callbacks with the retry behaviour of Twilio's connection overrides, and
 * records every attempt (status, error, timing, answer) in the call's history. Callbacks of one call
 * are sent in order, each after the previous one's last attempt, as a receiver would see them from
 * a provider that retries before moving on.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly defaults: RetryPolicy;

  constructor(
    config: TelephonySimConfig,
    private readonly metrics: MetricsService,
  ) {
    this.defaults = {
      retries: config.WEBHOOK_RETRIES,
      retryOn: parseRetryOn(config.WEBHOOK_RETRY_ON),
      attemptTimeoutMs: config.WEBHOOK_TIMEOUT_MS,
      totalTimeoutMs: config.WEBHOOK_TOTAL_TIMEOUT_MS,
      baseDelayMs: config.WEBHOOK_RETRY_BASE_MS,
      maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS,
    };
  }

  onModuleDestroy(): void {
    this.stopping.abort();
  }

  /** Queues a callback behind the call's earlier ones and returns at once. */
  enqueue(call: SimCall, webhook: OutboundWebhook): void {
    const previous = this.queues.get(call.sid) ?? Promise.resolve();
    const next = previous.then(() => this.sendWithCopies(call, webhook)).catch(() => undefined);
    this.queues.set(call.sid, next);
    void next.then(() => {
      if (this.queues.get(call.sid) === next) this.queues.delete(call.sid);
    });
  }

  /** Resolves once every callback queued for the call so far has had its last attempt. */
  async drained(callSid: string): Promise<void> {
    await this.queues.get(callSid);
  }

  /** Sends now and waits for the final answer (a TwiML fetch, a subscription handshake). */
  async send(call: SimCall | undefined, webhook: OutboundWebhook): Promise<WebhookResult> {
    const delivery = this.record(call, webhook);
    return this.deliver(delivery, webhook);
  }

  private async sendWithCopies(call: SimCall, webhook: OutboundWebhook): Promise<void> {
    const first = await this.send(call, webhook);
    for (let copy = 0; copy < (webhook.copies ?? 0); copy++) {
      const delivery = this.record(call, webhook, first.delivery.id);
      await this.deliver(delivery, webhook);
    }
  }

  private record(call: SimCall | undefined, webhook: OutboundWebhook, duplicateOf?: string): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      kind: webhook.kind,
      url: webhook.url,
      method: webhook.method ?? 'POST',
      body: webhook.body,
      ...(duplicateOf ? { duplicateOf } : {}),
      attempts: [],
      outcome: 'pending',
    };
    if (call) {
      const entry: HistoryEntry = {
        type: 'webhook',
        at: new Date().toISOString(),
        simSeconds: simSecondsSince(call),
        delivery,
      };
      call.history.push(entry);
    }
    return delivery;
  }

  private async deliver(delivery: WebhookDelivery, webhook: OutboundWebhook): Promise<WebhookResult> {
    const base = {
      ...this.defaults,
      ...(webhook.retries === undefined ? {} : { retries: webhook.retries }),
      ...(webhook.timeoutMs === undefined ? {} : { attemptTimeoutMs: webhook.timeoutMs }),
    };
    const { url, policy } = policyForUrl(webhook.url, base);
    const request = buildRequest(url, delivery.method, webhook);
    // Twilio sends one idempotency token per callback, the same on every retry.
    const headers = { 'I-Twilio-Idempotency-Token': delivery.duplicateOf ?? delivery.id, ...request.headers };
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(request.url, delivery.method, headers, request.body, policy, started);
      delivery.attempts.push({ attempt, ...result.record });
      const failure = classifyAttempt(result.outcome);
      this.metrics
        .counter('callfleet_sim_webhook_attempts_total', 'Callback attempts the simulator made', ['kind', 'outcome'])
        .inc({ kind: delivery.kind, outcome: failure ?? 'ok' });
      if (!failure) {
        delivery.outcome = 'delivered';
        return { delivery, status: result.record.status, headers: result.headers, body: result.body };
      }
      if (this.stopping.signal.aborted || !shouldRetry(policy, failure, attempt, Date.now() - started)) {
        delivery.outcome = 'failed';
        this.logger.warn(`${delivery.kind} to ${url} failed after ${attempt} attempt(s): ${failure}`);
        return { delivery, status: result.record.status, headers: result.headers, body: result.body };
      }
      await sleep(retryDelayMs(policy, attempt), undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  private async attempt(
    url: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body: string | undefined,
    policy: RetryPolicy,
    firstStarted: number,
  ): Promise<{
    outcome: { status: number } | { error: 'timeout' | 'connect' };
    record: Omit<WebhookAttempt, 'attempt'>;
    headers: Headers;
    body: string;
  }> {
    const startedAt = new Date();
    const budget = Math.max(1, Math.min(policy.attemptTimeoutMs, policy.totalTimeoutMs - (Date.now() - firstStarted)));
    const timeout = AbortSignal.timeout(budget);
    try {
      const response = await fetch(url, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([timeout, this.stopping.signal]),
      });
      const text = await readLimited(response);
      return {
        outcome: { status: response.status },
        record: {
          startedAt: startedAt.toISOString(),
          durationMs: Date.now() - startedAt.getTime(),
          status: response.status,
          responseBody: text.slice(0, RECORDED_BODY_LIMIT),
        },
        headers: response.headers,
        body: text,
      };
    } catch (error) {
      const timedOut = timeout.aborted;
      return {
        outcome: { error: timedOut ? 'timeout' : 'connect' },
        record: {
          startedAt: startedAt.toISOString(),
          durationMs: Date.now() - startedAt.getTime(),
          error: timedOut ? `no answer within ${budget} ms` : describeFetchError(error),
        },
        headers: new Headers(),
        body: '',
      };
    }
  }
}

function buildRequest(
  url: string,
  method: 'GET' | 'POST',
  webhook: OutboundWebhook,
): { url: string; headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { 'User-Agent': 'CallfleetTelephonySim/1.0', ...webhook.headers };
  if ('form' in webhook.body) {
    const params = webhook.body.form;
    if (method === 'GET') {
      // A GET carries the parameters in the query string, and Twilio signs that full URL alone.
      const query = formEncode(params);
      const requestUrl = query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
      return { url: requestUrl, headers: { ...headers, ...webhook.sign?.(requestUrl, {}) } };
    }
    return {
      url,
      headers: {
        ...headers,
        'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
        ...webhook.sign?.(url, params),
      },
      body: formEncode(params),
    };
  }
  if ('json' in webhook.body) {
    return {
      url,
      headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(webhook.body.json),
    };
  }
  return { url, headers };
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_BODY_LIMIT) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_BODY_LIMIT);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
