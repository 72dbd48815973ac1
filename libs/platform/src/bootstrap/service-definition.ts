import type { CommandDescriptor, EventDescriptor, ServiceName } from '@callfleet/contracts';
import type { SchemaOptions } from '@callfleet/persistence';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BaseServiceConfig } from '../config/service-config';
import type { StreamSpec } from '../jetstream/jetstream.service';

/**
 * Everything known about one service, written once: each app exports one and its main.ts runs it;
 * the fleet runner, `npm run migrate`, docker-compose.yml and the Kubernetes manifests are derived
 * from the registry of them (tools/fleet/fleet-definitions.ts, `npm run deploy:generate`).
 */
export interface ServiceDefinition<C extends BaseServiceConfig = BaseServiceConfig> {
  name: ServiceName;
  description: string;
  /** HTTP port (health, metrics, API) when PORT is not set; also its port in compose and Kubernetes. */
  port: number;
  /** The app's root feature module. */
  module: Type;
  config: new () => C;
  /** The PostgreSQL schema the service owns (migrated at start and by `npm run migrate`); stateless services have none. */
  schema?: SchemaOptions;
  /** JetStream streams this service publishes to; created or updated at start. */
  streams?: StreamSpec[];
  /**
   * Everything it does on NATS. The broker's permissions for the service's user are generated from
   * this (tools/nats), and the platform refuses, at the call, a subject the service did not declare
   * here, so the declaration cannot drift from the code.
   */
  nats?: NatsUsage;
  http?: {
    /** Largest accepted request body; larger ones get 413. Default 1 MiB. */
    bodyLimitBytes?: (config: C) => number;
    /** Edge setup before listening (security headers, CORS, docs, global prefix). */
    configure?: (app: NestFastifyApplication, config: C) => Promise<void> | void;
  };
  /** How the service is deployed, beyond what the rest of the definition implies. */
  deployment?: ServiceDeployment;
}

/** What sets deployments of services apart; everything else is the common shape (k8s/components/service). */
export interface ServiceDeployment {
  /** A dev and test tool (the simulator): in compose and the dev overlay, never in production. */
  devOnly?: boolean;
  /** Reached from outside the fleet (browsers, providers), so compose publishes its port on 127.0.0.1. */
  public?: boolean;
  /** Other services that must be ready first (compose `depends_on`), and object storage for recordings. */
  dependsOn?: (ServiceName | 'object-storage')[];
  /**
   * Secret variables, from the `<name>-secrets` Secret in Kubernetes and the secrets env file in compose.
   * DATABASE_URL follows from `schema`.
   */
  secrets?: { env: string; optional?: boolean }[];
  /**
   * A directory of secret files (auth's signing keys): in Kubernetes the Secret `secret` mounted read-only
   * at `mountPath`; in compose a volume the service fills itself outside production.
   */
  secretDirectory?: { env: string; secret: string; mountPath: string };
  /** Non-secret settings of its own, from the `<name>-config` ConfigMap (k8s/base/kustomization.yaml and overlays). */
  configMap?: boolean;
  /** Settings compose sets for it (URLs between containers). */
  composeEnvironment?: Record<string, string>;
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');

/** A stream and one filter subject on it that a service reads live (NatsUsage.follows). */
export interface FollowedSubject {
  readonly stream: string;
  readonly subject: string;
}

/** What a service does on NATS (besides its own inbox and the discovery subjects every service answers). */
export interface NatsUsage {
  /** Commands it answers, in its queue group (the service name). */
  serves?: readonly CommandDescriptor[];
  /** Commands it sends. */
  calls?: readonly CommandDescriptor[];
  /** Event subjects (or filters, `ingress.>`) it publishes to JetStream, directly or through the outbox. */
  publishes?: readonly string[];
  /** Its durable JetStream consumers (their dead letters go to `dlq.<subject>`). */
  consumes?: readonly { event: EventDescriptor; durable: string }[];
  /**
   * What it reads live, as it is stored, through short-lived ordered consumers (one per reader,
   * deleted when the reader stops; `JetStreamService.follow`): each a stream and the one filter
   * subject such a consumer may have (nats-server 2.9 takes one filter per consumer). The broker
   * lets it create consumers on exactly these filters, never touch another service's durable.
   */
  follows?: readonly FollowedSubject[];
  /** KV buckets it reads or writes. */
  kv?: readonly string[];
  /**
   * Plain core-NATS subjects (never stored, no reply): live media, for instance. Filters may use
   * wildcards; a subscription must fall under a declared `subscribes` filter, a publish under `publishes`.
   */
  core?: { publishes?: readonly string[]; subscribes?: readonly string[] };
}
