import { randomUUID } from 'node:crypto';
import { type EventDescriptor, type EventEnvelope, Streams } from '@callfleet/contracts';
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
import { AppException } from '../errors/app.exception';
import { createValidationPipe } from '../errors/validation';
import type { MetricsService } from '../metrics/metrics.service';
import type { NatsConnectionService } from '../nats/nats-connection.service';
import { contextFromHeaders, contextHeaders, decodeJson, encodeJson } from '../nats/nats-wire';
import { type EventMeta, eventEnvelope } from './event-envelope';
import { LiveFeed } from './live-feed';
import { retryTransient } from './transient-errors';

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
  /** Max age of a message; 0 keeps forever. */
  maxAgeMs?: number;
  /** Window in which JetStream drops a repeated Nats-Msg-Id. */
  duplicateWindowMs?: number;
}

export interface JetStreamOptions {
  /** Copies of each stream (and its consumers) in a JetStream cluster: NATS_STREAM_REPLICAS, 1 on a single server. */
  streamReplicas?: number;
}

export interface ConsumerSpec<T extends object> {
  /** What is consumed: the stream, the subject and the class every payload must pass. */
  event: EventDescriptor<T>;
  durable: string;
  /** A narrower filter within the event's subject (one filter subject per consumer, nats-server 2.9). */
  subject?: string;
  /** Gets only payloads that passed `event.payload`'s validation, as instances of it. */
  handler: (data: T, msg: JsMsg) => Promise<void>;
  /** Deliveries before the message goes to the dead-letter subject. */
  maxDeliver?: number;
  /** Delay before each redelivery, by attempt; the last value repeats. */
  backoffMs?: number[];
  ackWaitMs?: number;
}

export interface FollowSpec {
  /** The stream (no namespace) and the filter, one declared in the definition's `nats.follows`. */
  stream: string;
  subject: string;
  /** Deliver what was stored after this stream sequence; absent: only what is stored from now on. */
  afterSequence?: number;
  /** Messages pulled ahead of the reader at most (default 64): the feed's memory bound. */
  maxBuffered?: number;
}

/** Seconds after which the server deletes a live reader's consumer nobody pulls from (a crashed process's). */
const LIVE_CONSUMER_INACTIVE_MS = 30_000;

interface RunningConsumer {
  messages?: ConsumerMessages;
  loop: Promise<void>;
}

const CONSUMER_RESTART_DELAY_MS = 1_000;
const CONSUMER_PULL_EXPIRES_MS = 5_000;

/** Prefix of dead-letter subjects: `dlq.<original subject>`. */
export const DEAD_LETTER_PREFIX = 'dlq';

/** Where a consumer of `subject` puts what it gives up on. */
export function deadLetterSubject(subject: string): string {
  return `${DEAD_LETTER_PREFIX}.${subject}`;
}

/** Why a payload was refused, in one header-sized line: `field: problem; …`. */
export function invalidPayloadReason(error: unknown): string {
  const fields = (error instanceof AppException ? (error.details as { fields?: unknown })?.fields : undefined) as
    | { field: string; problems: string[] }[]
    | undefined;
  const what = fields?.length
    ? fields.map((f) => `${f.field || '(body)'}: ${f.problems.join(', ')}`).join('; ')
    : String((error as Error)?.message ?? error);
  return `invalid payload: ${what}`;
}

/**
 * Durable events on JetStream: streams created or updated at start, publishes de-duplicated by
 * `Nats-Msg-Id`, and pull consumers with explicit ack, bounded redelivery with backoff, and a
 * dead-letter subject after the last try. A consumer names an event of libs/contracts and gets
 * only payloads its class accepts (the fleet's validation pipe, as for commands); a payload it
 * refuses goes to the dead-letter subject at once with the reason, since no retry can mend it.
 */
export class JetStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger('JetStream');
  private readonly js: JetStreamClient;
  private jsmPromise?: Promise<JetStreamManager>;
  private readonly running: RunningConsumer[] = [];
  private stopping = false;
  private readonly deliveries: Counter<'consumer' | 'outcome'>;
  private readonly validation = createValidationPipe();
  private readonly streamReplicas: number;

  constructor(
    private readonly nats: NatsConnectionService,
    metrics: MetricsService,
    options: JetStreamOptions = {},
  ) {
    this.streamReplicas = options.streamReplicas ?? 1;
    this.js = jetstream(nats.nc);
    // Registered at start, not on the first delivery, so the dead-letter alert and the dashboard
    // find the metric in every service's scrape (deploy/test keeps them in step).
    this.deliveries = metrics.counter(
      'callfleet_jetstream_deliveries_total',
      'JetStream deliveries by consumer and outcome',
      ['consumer', 'outcome'],
    );
  }

  /** An admin call, retried through an election, each retry logged with what it waited for. */
  private admin<T>(what: string, call: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
    return retryTransient(async () => call(await this.manager()), {
      onRetry: (error, attempt, delayMs) =>
        this.logger.warn(`${what}: ${String(error)}; retry ${attempt} in ${delayMs} ms (JetStream electing a leader?)`),
    });
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
    this.nats.declared.assertStream(spec.name);
    const maxAgeMs = spec.maxAgeMs ?? 0;
    // JetStream refuses a duplicate window longer than the stream keeps messages.
    const duplicateWindowMs = Math.min(spec.duplicateWindowMs ?? 2 * 60_000, maxAgeMs || Number.POSITIVE_INFINITY);
    const config: Partial<StreamConfig> & { name: string } = {
      name: ns.stream(spec.name),
      subjects: spec.subjects.map((s) => ns.subject(s)),
      max_age: nanos(maxAgeMs),
      duplicate_window: nanos(duplicateWindowMs),
      // Updated like the rest: nats-server 2.9 moves an existing stream to the new number of copies.
      num_replicas: this.streamReplicas,
    };
    await this.admin(`stream ${config.name}`, async (jsm) => {
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
    this.nats.declared.assertPublishes(subject);
    return this.js.publish(this.nats.ns.subject(subject), encodeJson(data), {
      msgID: msgId,
      headers: contextHeaders(RequestContext.current(), extraHeaders),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
  }

  /**
   * Wraps `data` in the event envelope and publishes it durably, now. A state change's events go
   * through the outbox instead (`Outbox.add` in @callfleet/persistence), so a failed publish never
   * loses them.
   */
  async publishEvent<T>(subject: string, data: T, meta: EventMeta = {}): Promise<EventEnvelope<T>> {
    const envelope = eventEnvelope(subject, data, meta, new Date());
    await this.publish(subject, envelope, envelope.id);
    return envelope;
  }

  /**
   * Reads a stream live, in order, through its own ordered consumer (in memory, no acks), from just
   * after `afterSequence` or from now on. For readers that come and go (a browser's event stream),
   * unlike `consume`'s durable work. Close the feed when the reader leaves: that deletes the consumer.
   */
  async follow(spec: FollowSpec): Promise<LiveFeed> {
    const { ns } = this.nats;
    this.nats.declared.assertFollows(spec.stream, spec.subject);
    const stream = ns.stream(spec.stream);
    // A start from a known sequence, never DeliverPolicy.New: an ordered consumer that resets before
    // its first message restarts from its cursor, which for "new" is the start of the stream. A
    // sequence past the stream's end (a stream restored shorter, a forged id) starts from now.
    const lastSeq = (await this.admin(`stream ${stream}`, (jsm) => jsm.streams.info(stream))).state.last_seq;
    const after = Math.min(spec.afterSequence ?? lastSeq, lastSeq);
    const consumer = await this.js.consumers.get(stream, {
      filter_subjects: ns.subject(spec.subject),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: after + 1,
      inactive_threshold: LIVE_CONSUMER_INACTIVE_MS,
    });
    return new LiveFeed(consumer, ns, spec.maxBuffered ?? 64, after);
  }

  /** Creates (or updates) the durable consumer and starts its loop. */
  async consume<T extends object>(spec: ConsumerSpec<T>): Promise<void> {
    const { ns } = this.nats;
    this.nats.declared.assertConsumes(spec.event, spec.durable);
    const stream = ns.stream(spec.event.stream);
    const maxDeliver = spec.maxDeliver ?? 5;
    const backoff = spec.backoffMs ?? [1_000, 5_000, 15_000, 30_000];
    // Creating the consumer is an admin call like any other: it can meet an election (a node just lost).
    await this.admin(`consumer ${spec.durable}`, (jsm) =>
      jsm.consumers.add(stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: ns.subject(spec.subject ?? spec.event.subject),
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
  private async runConsumer<T extends object>(
    stream: string,
    spec: ConsumerSpec<T>,
    maxDeliver: number,
    backoff: number[],
    entry: RunningConsumer,
  ): Promise<void> {
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(stream, spec.durable);
        // A pull lasts 5 s instead of the client's 30 s: after a JetStream outage (or a stream restored)
        // the next pull is what notices, so events resume within seconds; an idle pull costs little.
        entry.messages = await consumer.consume({ max_messages: 64, expires: CONSUMER_PULL_EXPIRES_MS });
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

  private async deliver<T extends object>(
    spec: ConsumerSpec<T>,
    msg: JsMsg,
    maxDeliver: number,
    backoff: number[],
  ): Promise<void> {
    const outcome = this.deliveries;
    const ctx = contextFromHeaders(msg.headers, randomUUID);
    await RequestContext.run(ctx, async () => {
      let data: T;
      try {
        data = (await this.validation.transform(decodeJson(msg.data), {
          type: 'body',
          metatype: spec.event.payload,
        })) as T;
      } catch (error) {
        await this.settleDeadLetter(spec, msg, invalidPayloadReason(error));
        return;
      }
      try {
        await spec.handler(data, msg);
        msg.ack();
        outcome.inc({ consumer: spec.durable, outcome: 'ack' });
      } catch (error) {
        const attempt = msg.info.deliveryCount;
        if (attempt >= maxDeliver) {
          await this.settleDeadLetter(spec, msg, String((error as Error)?.message ?? error));
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

  /** Stores the message as a dead letter with `reason`, then ends its deliveries. */
  private async settleDeadLetter<T extends object>(spec: ConsumerSpec<T>, msg: JsMsg, reason: string): Promise<void> {
    try {
      await this.deadLetter(msg, reason);
    } catch (deadLetterError) {
      // Not stored anywhere yet: keep the message (the server redelivers it after ack_wait).
      this.deliveries.inc({ consumer: spec.durable, outcome: 'dead-letter-failed' });
      this.logger.error(`${spec.durable}: dead letter not stored, message kept: ${String(deadLetterError)}`);
      return;
    }
    // No reason argument: nats-server 2.9 ignores "+TERM <reason>" and would keep the message
    // pending; the reason travels in the dead letter's headers instead.
    msg.term();
    this.deliveries.inc({ consumer: spec.durable, outcome: 'dead-letter' });
    this.logger.warn(`${spec.durable}: message ${msg.info.streamSequence} dead-lettered: ${reason}`);
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const original = this.nats.ns.strip(msg.subject);
    const h = natsHeaders();
    for (const [k, v] of msg.headers ?? []) for (const value of v) h.append(k, value);
    h.set('Callfleet-Dead-Letter-Reason', reason.replace(/[\r\n]+/g, ' ').slice(0, 500));
    h.set('Callfleet-Original-Subject', original);
    h.set('Callfleet-Deliveries', String(msg.info.deliveryCount));
    h.set('Nats-Msg-Id', `dlq:${msg.info.stream}:${msg.info.streamSequence}`);
    await this.js.publish(this.nats.ns.subject(deadLetterSubject(original)), msg.data, { headers: h });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const { messages } of this.running) await messages?.close().catch(() => undefined);
    await Promise.allSettled(this.running.splice(0).map((r) => r.loop));
  }
}
