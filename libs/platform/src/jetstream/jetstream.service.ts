import { randomUUID } from 'node:crypto';
import { type EventEnvelope, Streams } from '@callfleet/contracts';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  type PubAck,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, headers as natsHeaders } from '@nats-io/transport-node';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { RequestContext } from '../context/request-context';
import type { MetricsService } from '../metrics/metrics.service';
import type { NatsConnectionService } from '../nats/nats-connection.service';
import { contextFromHeaders, contextHeaders, decodeJson, encodeJson } from '../nats/nats-wire';

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
  /** Max age of a message; 0 keeps forever. */
  maxAgeMs?: number;
  /** Window in which JetStream drops a repeated Nats-Msg-Id. */
  duplicateWindowMs?: number;
}

export interface ConsumerSpec<T> {
  stream: string;
  durable: string;
  /** One filter subject per consumer (nats-server 2.9). */
  subject: string;
  handler: (data: T, msg: JsMsg) => Promise<void>;
  /** Deliveries before the message goes to the dead-letter subject. */
  maxDeliver?: number;
  /** Delay before each redelivery, by attempt; the last value repeats. */
  backoffMs?: number[];
  ackWaitMs?: number;
}

interface RunningConsumer {
  messages?: ConsumerMessages;
  loop: Promise<void>;
}

const CONSUMER_RESTART_DELAY_MS = 1_000;

/** Prefix of dead-letter subjects: `dlq.<original subject>`. */
export const DEAD_LETTER_PREFIX = 'dlq';

/** Runs `fn`, retrying JetStream admin calls that fail while a stream leader is being elected. */
async function retryTransient<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      const text = String((error as Error)?.message ?? error);
      if (i >= attempts || !/temporarily unavailable|timeout|no responders|503/i.test(text)) throw error;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

/**
 * Durable events on JetStream: streams created or updated at start, publishes de-duplicated by
 * `Nats-Msg-Id`, and pull consumers with explicit ack, bounded redelivery with backoff, and a
 * dead-letter subject after the last try. A handler states a subject and gets the decoded data.
 */
export class JetStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger('JetStream');
  private readonly js: JetStreamClient;
  private jsmPromise?: Promise<JetStreamManager>;
  private readonly running: RunningConsumer[] = [];
  private stopping = false;
  private readonly deliveries: Counter<'consumer' | 'outcome'>;

  constructor(
    private readonly nats: NatsConnectionService,
    metrics: MetricsService,
  ) {
    this.js = jetstream(nats.nc);
    // Registered at start, not on the first delivery, so the dead-letter alert and the dashboard
    // find the metric in every service's scrape (deploy/test keeps them in step).
    this.deliveries = metrics.counter(
      'callfleet_jetstream_deliveries_total',
      'JetStream deliveries by consumer and outcome',
      ['consumer', 'outcome'],
    );
  }

  private manager(): Promise<JetStreamManager> {
    this.jsmPromise ??= jetstreamManager(this.nats.nc).catch((e) => {
      this.jsmPromise = undefined;
      throw e;
    });
    return this.jsmPromise;
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    const { ns } = this.nats;
    const maxAgeMs = spec.maxAgeMs ?? 0;
    // JetStream refuses a duplicate window longer than the stream keeps messages.
    const duplicateWindowMs = Math.min(spec.duplicateWindowMs ?? 2 * 60_000, maxAgeMs || Number.POSITIVE_INFINITY);
    const config: Partial<StreamConfig> & { name: string } = {
      name: ns.stream(spec.name),
      subjects: spec.subjects.map((s) => ns.subject(s)),
      max_age: nanos(maxAgeMs),
      duplicate_window: nanos(duplicateWindowMs),
    };
    await retryTransient(async () => {
      const jsm = await this.manager();
      try {
        await jsm.streams.info(config.name);
        await jsm.streams.update(config.name, config);
      } catch (error) {
        if (!/stream not found/i.test(String((error as Error).message))) throw error;
        await jsm.streams.add(config);
      }
    });
  }

  /**
   * Publishes raw JSON with a message id (JetStream drops a repeat within the duplicate window).
   * `timeoutMs` bounds the wait for the PubAck (default: the client's, 5 s).
   */
  async publish(
    subject: string,
    data: unknown,
    msgId: string,
    extraHeaders?: Record<string, string>,
    options: { timeoutMs?: number } = {},
  ): Promise<PubAck> {
    return this.js.publish(this.nats.ns.subject(subject), encodeJson(data), {
      msgID: msgId,
      headers: contextHeaders(RequestContext.current(), extraHeaders),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
  }

  /** Wraps `data` in the event envelope and publishes it durably. */
  async publishEvent<T>(
    subject: string,
    data: T,
    meta: { orgId?: string | null; correlationId?: string | null; id?: string } = {},
  ): Promise<EventEnvelope<T>> {
    const ctx = RequestContext.current();
    const envelope: EventEnvelope<T> = {
      id: meta.id ?? randomUUID(),
      type: subject,
      occurredAt: new Date().toISOString(),
      orgId: meta.orgId ?? ctx?.orgId ?? null,
      correlationId: meta.correlationId ?? ctx?.requestId ?? null,
      data,
    };
    await this.publish(subject, envelope, envelope.id);
    return envelope;
  }

  /** Creates (or updates) the durable consumer and starts its loop. */
  async consume<T>(spec: ConsumerSpec<T>): Promise<void> {
    const { ns } = this.nats;
    const stream = ns.stream(spec.stream);
    const maxDeliver = spec.maxDeliver ?? 5;
    const backoff = spec.backoffMs ?? [1_000, 5_000, 15_000, 30_000];
    const jsm = await this.manager();
    await retryTransient(() =>
      jsm.consumers.add(stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: ns.subject(spec.subject),
        max_deliver: maxDeliver,
        ack_wait: nanos(spec.ackWaitMs ?? 30_000),
      }),
    );
    // Dead letters need somewhere to go before the first message can exhaust its deliveries.
    await this.ensureStream(Streams.DEAD_LETTER);
    const entry: RunningConsumer = { loop: Promise.resolve() };
    entry.loop = this.runConsumer(stream, spec, maxDeliver, backoff, entry);
    this.running.push(entry);
  }

  /**
   * Pulls and delivers until shutdown. Nothing a single message does may stop the loop, and if the
   * pull itself fails (the consumer was deleted, a long outage) it starts again after a pause.
   */
  private async runConsumer<T>(
    stream: string,
    spec: ConsumerSpec<T>,
    maxDeliver: number,
    backoff: number[],
    entry: RunningConsumer,
  ): Promise<void> {
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(stream, spec.durable);
        entry.messages = await consumer.consume({ max_messages: 64 });
        for await (const msg of entry.messages) {
          try {
            await this.deliver(spec, msg, maxDeliver, backoff);
          } catch (error) {
            this.logger.error(`${spec.durable}: delivery could not be settled: ${String(error)}`);
          }
        }
      } catch (error) {
        if (!this.stopping) this.logger.error(`consumer ${spec.durable} interrupted, restarting: ${String(error)}`);
      }
      if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, CONSUMER_RESTART_DELAY_MS));
    }
  }

  private async deliver<T>(spec: ConsumerSpec<T>, msg: JsMsg, maxDeliver: number, backoff: number[]): Promise<void> {
    const outcome = this.deliveries;
    const ctx = contextFromHeaders(msg.headers, randomUUID);
    await RequestContext.run(ctx, async () => {
      try {
        await spec.handler(decodeJson(msg.data) as T, msg);
        msg.ack();
        outcome.inc({ consumer: spec.durable, outcome: 'ack' });
      } catch (error) {
        const attempt = msg.info.deliveryCount;
        if (attempt >= maxDeliver) {
          try {
            await this.deadLetter(msg, error);
          } catch (deadLetterError) {
            // Not stored anywhere yet: keep the message (the server redelivers it after ack_wait).
            outcome.inc({ consumer: spec.durable, outcome: 'dead-letter-failed' });
            this.logger.error(`${spec.durable}: dead letter not stored, message kept: ${String(deadLetterError)}`);
            return;
          }
          // No reason argument: nats-server 2.9 ignores "+TERM <reason>" and would keep the message
          // pending; the reason travels in the dead letter's headers instead.
          msg.term();
          outcome.inc({ consumer: spec.durable, outcome: 'dead-letter' });
          return;
        }
        const delay = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1_000;
        msg.nak(delay);
        outcome.inc({ consumer: spec.durable, outcome: 'retry' });
        this.logger.warn(
          `${spec.durable}: delivery ${attempt}/${maxDeliver} failed (${String(error)}), retry in ${delay} ms`,
        );
      }
    });
  }

  private async deadLetter(msg: JsMsg, error: unknown): Promise<void> {
    const original = this.nats.ns.strip(msg.subject);
    const h = natsHeaders();
    for (const [k, v] of msg.headers ?? []) for (const value of v) h.append(k, value);
    h.set('Callfleet-Dead-Letter-Reason', String((error as Error)?.message ?? error).slice(0, 500));
    h.set('Callfleet-Original-Subject', original);
    h.set('Callfleet-Deliveries', String(msg.info.deliveryCount));
    h.set('Nats-Msg-Id', `dlq:${msg.info.stream}:${msg.info.streamSequence}`);
    await this.js.publish(this.nats.ns.subject(`${DEAD_LETTER_PREFIX}.${original}`), msg.data, { headers: h });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const { messages } of this.running) await messages?.close().catch(() => undefined);
    await Promise.allSettled(this.running.splice(0).map((r) => r.loop));
  }
}
