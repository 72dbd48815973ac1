import { randomUUID } from 'node:crypto';
import type { CommandDescriptor } from '@callfleet/contracts';
import { ErrorCode, teamExportSubject } from '@callfleet/contracts';
import type { Msg, MsgHdrs, Subscription } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { CallerAuthenticator } from '../callers/caller-authenticator';
import { dropFleetIdentity, teamCallerIdentity } from '../callers/team-request';
import { RequestContext, type RequestContextData } from '../context/request-context';
import { AppException } from '../errors/app.exception';
import { type ResolvedError, resolveError } from '../errors/error-body';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../http/json-depth';
import type { MetricsService } from '../metrics/metrics.service';
import { commandOf, validateCommandPayload } from './command';
import type { NatsConnectionService } from './nats-connection.service';
import { contextFromHeaders, decodeJson, encodeJson, errorHeaders } from './nats-wire';
import { type EndpointStats, ServiceDiscovery, type ServiceIdentity } from './service-discovery';

/** What a NATS handler can read besides its payload: `@Ctx() ctx: NatsRpcContext` (or `@Caller()`). */
export class NatsRpcContext extends BaseRpcContext<[string, MsgHdrs | undefined, RequestContextData]> {
  getSubject(): string {
    return this.args[0];
  }
  getHeaders(): MsgHdrs | undefined {
    return this.args[1];
  }
  /** Request id and identity, as the message's headers stated them. */
  getRequestContext(): RequestContextData {
    return this.args[2];
  }
}

function isResolvedError(value: unknown): value is ResolvedError {
  return typeof value === 'object' && value !== null && 'body' in value && 'status' in value;
}

/**
 * Nest transport speaking the plain NATS service wire format instead of Nest's `{pattern, data, id}`
 * envelope, so any NATS client can call the fleet. Every handler is a `@Command` of libs/contracts:
 * its payload is validated against the command's request class before the handler runs, and the
 * instances of a service share the work in a queue group named after it. Durable events are
 * JetStream's (JetStreamService.consume), so there is no core-NATS event handler here.
 *
 * A `public` command is also answered on its team export subject (`teams.<subject>`), where only
 * other teams' requests arrive (libs/contracts team-access.ts): their identity headers are dropped
 * and the caller is whoever the credential in `authorization` proves.
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
    /** Resolved only when the service answers a public command (it then imports CallerAuthenticationModule). */
    private readonly teamAuthenticator: () => CallerAuthenticator,
  ) {
    super();
    this.discovery = new ServiceDiscovery(identity);
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    const { nc, ns } = this.nats;
    const queue = this.discovery.ping().name;
    let authenticator: CallerAuthenticator | undefined;
    for (const [pattern, handler] of this.getHandlers()) {
      const command = commandOf(handler);
      if (handler.isEventHandler || !command) {
        throw new Error(
          `NATS handler for ${pattern} is not declared with @Command(descriptor): every NATS handler answers a command of libs/contracts`,
        );
      }
      this.nats.declared.assertServes(command);
      const subject = ns.subject(pattern);
      const stats = this.discovery.addEndpoint(pattern, subject, queue);
      const serve = (on: string, team?: CallerAuthenticator) =>
        this.subscriptions.push(
          nc.subscribe(on, {
            queue,
            callback: (_e, msg) => this.track(this.handleRequest0(command, msg, handler, stats, team)),
          }),
        );
      serve(subject);
      if (command.public) {
        authenticator ??= this.resolveTeamAuthenticator(pattern);
        serve(ns.subject(teamExportSubject(pattern)), authenticator);
      }
    }
    this.discovery.start(nc);
    callback();
  }

  private resolveTeamAuthenticator(pattern: string): CallerAuthenticator {
    try {
      return this.teamAuthenticator();
    } catch (error) {
      throw new Error(
        `${pattern} is public, so other teams call it with a credential: the service must import CallerAuthenticationModule (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handleRequest0(
    command: CommandDescriptor,
    msg: Msg,
    handler: MessageHandler,
    stats: EndpointStats,
    /** Set for a request that came on the team subject: its caller is its credential's, never its headers'. */
    team?: CallerAuthenticator,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const pattern = command.subject;
    if (team) dropFleetIdentity(msg.headers);
    const ctx = contextFromHeaders(msg.headers, randomUUID);
    await RequestContext.run(ctx, async () => {
      let outcome = 'ok';
      try {
        if (team) Object.assign(ctx, await teamCallerIdentity(team, msg.headers));
        let payload: unknown;
        try {
          payload = decodeJson(msg.data);
        } catch {
          throw new AppException(ErrorCode.BAD_REQUEST, 'Request body is not valid JSON');
        }
        if (exceedsJsonDepth(payload)) {
          throw new AppException(ErrorCode.BAD_REQUEST, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
        }
        const request = await validateCommandPayload(command, payload);
        const result = await handler(request, new NatsRpcContext([pattern, msg.headers, ctx]));
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
