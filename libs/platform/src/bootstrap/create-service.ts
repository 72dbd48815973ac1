import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, FleetHeader } from '@callfleet/contracts';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pino from 'pino';
import { CallerAuthenticator } from '../callers/caller-authenticator';
import type { Clock } from '../clock/clock';
import { type BaseServiceConfig, ConfigValidationError, loadConfig } from '../config/service-config';
import { RequestContext } from '../context/request-context';
import { AppException } from '../errors/app.exception';
import { FleetExceptionFilter, sendHttpError } from '../errors/fleet-exception.filter';
import { createValidationPipe } from '../errors/validation';
import { drainLimitsOf, httpServerOptions, installFramingGuards } from '../http/http-server';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../http/json-depth';
import { OpenResponses } from '../http/open-responses';
import { createRootLogger, PinoNestLogger } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { NatsConnectionService } from '../nats/nats-connection.service';
import { NatsRpcServer } from '../nats/nats-rpc.server';
import { PlatformModule } from './platform.module';
import type { ServiceDefinition } from './service-definition';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface CreateServiceOptions {
  /** Environment to read config from (defaults to process.env). Tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Where JSON logs go (defaults to stdout). */
  logDestination?: pino.DestinationStream;
  /** Where time comes from (defaults to the system clock). Tests pass a ManualClock to move time. */
  clock?: Clock;
}

export interface RunningService<C extends BaseServiceConfig = BaseServiceConfig> {
  app: NestFastifyApplication;
  config: C;
  url: string;
  logger: pino.Logger;
  close(): Promise<void>;
}

function readVersion(): string {
  for (const dir of [
    process.cwd(),
    join(__dirname, '..', '..', '..', '..'),
    join(__dirname, '..', '..', '..', '..', '..'),
  ]) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

/** Boots one service the fleet's way: config, logs, NATS transport, discovery, health, metrics, errors. */
export async function createService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  options: CreateServiceOptions = {},
): Promise<RunningService<C>> {
  const config = loadConfig(definition.name, definition.config, options.env ?? process.env);
  const logger = createRootLogger(definition.name, config.LOG_LEVEL, options.logDestination);

  @Module({
    imports: [
      PlatformModule.forService(definition as unknown as ServiceDefinition, config, options.clock),
      definition.module,
    ],
  })
  class ServiceRootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: definition.http?.bodyLimitBytes?.(config) ?? DEFAULT_BODY_LIMIT,
    ...httpServerOptions(config),
    logger: false,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers[FleetHeader.REQUEST_ID];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    // URLs the router refuses before any route (a malformed escape, an over-long segment) get the envelope too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendHttpError(error, request, reply),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', String(request.id));
    RequestContext.run({ requestId: String(request.id) }, done);
  });
  installFramingGuards(fastify, drainLimitsOf(config));
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (exceedsJsonDepth(request.body)) {
      done(new AppException(ErrorCode.BAD_REQUEST, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`));
    } else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(status),
        outcome: status >= 500 ? 'error' : status >= 400 ? 'rejected' : 'ok',
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  // Nest installs Fastify's error handler itself and routes body-parsing errors to FleetExceptionFilter.

  app.useGlobalFilters(new FleetExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  await definition.http?.configure?.(app, config);

  const nats = app.get(NatsConnectionService);
  const server = new NatsRpcServer(
    nats,
    metrics,
    {
      name: definition.name,
      version: readVersion(),
      description: definition.description,
      metadata: { namespace: config.CALLFLEET_NAMESPACE },
    },
    // Asked for only by a service answering public commands; without CallerAuthenticationModule it
    // refuses to start, since other teams' requests could not be authenticated.
    () => app.get(CallerAuthenticator, { strict: false }),
  );
  // Not the HTTP side's config: its global validation pipe would check each payload a second time,
  // against the parameter's declared type, after @Command validated it against its descriptor
  // (@Command also brings the error filter).
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: false });
  const port = config.PORT ?? definition.port;
  try {
    await app.startAllMicroservices();
    await app.listen({ port, host: config.HTTP_HOST });
  } catch (error) {
    // A service that cannot take work releases what it opened (NATS, the database) before failing.
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = fastify.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const host = config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : config.HTTP_HOST;
  logger.info({ port: boundPort }, `${definition.name} ready`);

  return {
    app,
    config,
    url: `http://${host}:${boundPort}`,
    logger,
    // Stop taking work first (HTTP, then NATS requests, each finishing what is in flight), and only
    // then run Nest's shutdown: its beforeApplicationShutdown hooks (flushing rate-limit tallies,
    // delivery logs) would otherwise run while requests still arrive.
    close: async () => {
      // Requests still open after half the grace period (a long poll, a stuck upstream) are cut, so
      // shutdown always reaches the hooks that release the rest within SHUTDOWN_GRACE_MS.
      const cutOff = setTimeout(() => fastify.server.closeAllConnections(), config.SHUTDOWN_GRACE_MS / 2);
      // Streams that never end by themselves (SSE) are ended first, or closing the server would wait for the cut.
      app.get(OpenResponses).endAll();
      try {
        await fastify.close();
        await server.close();
      } finally {
        clearTimeout(cutOff);
      }
      await app.close();
    },
  };
}

/**
 * The whole of a service's main.ts: boot, exit 1 with one readable line on bad config, and on
 * SIGTERM/SIGINT stop taking work, finish in-flight work within SHUTDOWN_GRACE_MS, drain NATS, exit.
 */
export function runService<C extends BaseServiceConfig>(definition: ServiceDefinition<C>): void {
  let running: RunningService<C> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const grace = running?.config.SHUTDOWN_GRACE_MS ?? 10_000;
    running?.logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      running?.logger.error(`shutdown took longer than ${grace} ms; exiting`);
      process.exit(1);
    }, grace).unref();
    await running?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  createService(definition).then(
    (service) => {
      running = service;
    },
    (error: unknown) => {
      if (error instanceof ConfigValidationError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        process.stderr.write(
          `${definition.name}: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
        );
      }
      process.exit(1);
    },
  );
}
