import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@callfleet/contracts';
import type { Msg, MsgHdrs, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { RequestContext } from '../context/request-context';
import { AppException } from '../errors/app.exception';
import { type ResolvedError, resolveError } from '../errors/error-body';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../http/json-depth';
import type { MetricsService } from '../metrics/metrics.service';
import type { NatsConnectionService } from './nats-connection.service';
import { contextFromHeaders, decodeJson, encodeJson, errorHeaders } from './nats-wire';
import { type EndpointStats, ServiceDiscovery, type ServiceIdentity } from './service-discovery';

/** What a NATS handler can read besides its payload: `@Ctx() ctx: NatsRpcContext`. */
export class NatsRpcContext extends BaseRpcContext<[string, MsgHdrs | undefined]> {
  getSubject(): string {
    return this.args[0];
  }
  getHeaders(): MsgHdrs | undefined {
    return this.args[1];
  }
}

function isResolvedError(value: unknown): value is ResolvedError {
  return typeof value === 'object' && value !== null && 'body' in value && 'status' in value;
}

/**
 * Nest transport speaking the plain NATS service wire format instead of Nest's `{pattern, data, id}`
 * envelope, so any NATS client can call the fleet. Request handlers share the work in a queue group
 * named after the service; event handlers (`@EventPattern`) get every message (fan-out).
 */
export class NatsRpcServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger('NatsRpcServer');
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  readonly discovery: ServiceDiscovery;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly metrics: MetricsService,
    identity: ServiceIdentity,
  ) {
    super();
    this.discovery = new ServiceDiscovery(identity);
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    const { nc, ns } = this.nats;
    const queue = this.discovery.ping().name;
    for (const [pattern, handler] of this.getHandlers()) {
      const subject = ns.subject(pattern);
      if (handler.isEventHandler) {
        this.subscriptions.push(
          nc.subscribe(subject, { callback: (_e, msg) => this.track(this.handleEvent0(pattern, msg, handler)) }),
        );
        continue;
      }
      const stats = this.discovery.addEndpoint(pattern, subject, queue);
      this.subscriptions.push(
        nc.subscribe(subject, {
          queue,
          callback: (_e, msg) => this.track(this.handleRequest0(pattern, msg, handler, stats)),
        }),
      );
    }
    this.discovery.start(nc);
    callback();
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handleEvent0(pattern: string, msg: Msg, handler: MessageHandler): Promise<void> {
    const ctx = contextFromHeaders(msg.headers, randomUUID);
    await RequestContext.run(ctx, async () => {
      try {
        const result = await handler(decodeJson(msg.data), new NatsRpcContext([pattern, msg.headers]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      } catch (error) {
        this.log.warn(`event handler for ${pattern} failed: ${resolveError(error).body.message}`);
      }
    });
  }

  private async handleRequest0(
    pattern: string,
    msg: Msg,
    handler: MessageHandler,
    stats: EndpointStats,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const ctx = contextFromHeaders(msg.headers, randomUUID);
    await RequestContext.run(ctx, async () => {
      let outcome = 'ok';
      try {
        let payload: unknown;
        try {
          payload = decodeJson(msg.data);
        } catch {
          throw new AppException(ErrorCode.BAD_REQUEST, 'Request body is not valid JSON');
        }
        if (exceedsJsonDepth(payload)) {
          throw new AppException(ErrorCode.BAD_REQUEST, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
        }
        const result = await handler(payload, new NatsRpcContext([pattern, msg.headers]));
        const value = await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        if (msg.reply) msg.respond(encodeJson(value ?? {}));
      } catch (error) {
        const resolved = isResolvedError(error) ? error : resolveError(error);
        if (!isResolvedError(error) && resolved.unexpected)
          this.log.error(error instanceof Error ? error : String(error));
        outcome = resolved.body.code;
        if (msg.reply) msg.respond(encodeJson(resolved.body), { headers: errorHeaders(resolved.body) });
      } finally {
        const elapsed = process.hrtime.bigint() - started;
        ServiceDiscovery.record(stats, Number(elapsed), outcome === 'ok' ? undefined : outcome);
        this.metrics.natsHandlerDuration.observe({ subject: pattern, outcome }, Number(elapsed) / 1e9);
      }
    });
  }

  /** Stops taking new messages, then lets the ones already started finish. */
  async close(): Promise<void> {
    this.discovery.stop();
    await Promise.allSettled(this.subscriptions.splice(0).map((s) => (s.isClosed() ? undefined : s.drain())));
    await Promise.allSettled([...this.inFlight]);
  }

  on(): never {
    throw new Error('NatsRpcServer does not emit events');
  }

  unwrap<T>(): T {
    return this.nats.nc as T;
  }
}
