import type { ServiceName } from '@callfleet/contracts';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BaseServiceConfig } from '../config/service-config';
import type { StreamSpec } from '../jetstream/jetstream.service';

/** Everything the platform needs to boot one service; each app exports one and its main.ts runs it. */
export interface ServiceDefinition<C extends BaseServiceConfig = BaseServiceConfig> {
  name: ServiceName;
  description: string;
  /** The app's root feature module. */
  module: Type;
  config: new () => C;
  /** JetStream streams this service publishes to; created or updated at start. */
  streams?: StreamSpec[];
  http?: {
    /** Largest accepted request body; larger ones get 413. Default 1 MiB. */
    bodyLimitBytes?: (config: C) => number;
    /** Edge setup before listening (security headers, CORS, docs, global prefix). */
    configure?: (app: NestFastifyApplication, config: C) => Promise<void> | void;
  };
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
