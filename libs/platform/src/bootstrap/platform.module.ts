import { type DynamicModule, Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Clock, SystemClock } from '../clock/clock';
import type { BaseServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/dependency-health';
import { HealthController } from '../health/health.controller';
import { OpenResponses } from '../http/open-responses';
import { JetStreamService } from '../jetstream/jetstream.service';
import { KvStoreService } from '../kv/kv-store.service';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsService } from '../metrics/metrics.service';
import { DeclaredNatsUsage } from '../nats/declared-nats-usage';
import { NatsConnectionService } from '../nats/nats-connection.service';
import { NatsRpcClient } from '../nats/nats-rpc.client';
import { SERVICE_CONFIG, SERVICE_DEFINITION, type ServiceDefinition } from './service-definition';

/** Creates the streams the service publishes to before it takes any work. */
class StreamSetup implements OnModuleInit {
  constructor(
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(JetStreamService) private readonly jetstream: JetStreamService,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const stream of this.definition.streams ?? []) await this.jetstream.ensureStream(stream);
  }
}

/** What every service gets: config, NATS (RPC, JetStream, KV), metrics, health. Global. */
@Global()
@Module({})
export class PlatformModule {
  static forService(
    definition: ServiceDefinition,
    config: BaseServiceConfig,
    clock: Clock = new SystemClock(),
  ): DynamicModule {
    return {
      module: PlatformModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_DEFINITION, useValue: definition },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: definition.config, useValue: config },
        { provide: MetricsService, useValue: new MetricsService(definition.name) },
        {
          provide: NatsConnectionService,
          useFactory: (metrics: MetricsService) =>
            NatsConnectionService.connect({
              servers: config.NATS_URL,
              name: definition.name,
              namespace: config.CALLFLEET_NAMESPACE,
              declared: DeclaredNatsUsage.of(definition),
              user: config.NATS_USER,
              password: config.NATS_PASSWORD,
              tlsCaFile: config.NATS_TLS_CA_FILE,
              metrics,
            }),
          inject: [MetricsService],
        },
        {
          provide: NatsRpcClient,
          useFactory: (nats: NatsConnectionService) => new NatsRpcClient(nats, config.NATS_REQUEST_TIMEOUT_MS),
          inject: [NatsConnectionService],
        },
        {
          provide: JetStreamService,
          useFactory: (nats: NatsConnectionService, metrics: MetricsService) =>
            new JetStreamService(nats, metrics, { streamReplicas: config.NATS_STREAM_REPLICAS }),
          inject: [NatsConnectionService, MetricsService],
        },
        {
          provide: KvStoreService,
          useFactory: (nats: NatsConnectionService) =>
            new KvStoreService(nats, { replicas: config.NATS_STREAM_REPLICAS }),
          inject: [NatsConnectionService],
        },
        {
          provide: DeclaredNatsUsage,
          useFactory: (nats: NatsConnectionService) => nats.declared,
          inject: [NatsConnectionService],
        },
        HealthRegistry,
        OpenResponses,
        StreamSetup,
      ],
      exports: [
        SERVICE_DEFINITION,
        SERVICE_CONFIG,
        Clock,
        definition.config,
        MetricsService,
        NatsConnectionService,
        NatsRpcClient,
        JetStreamService,
        KvStoreService,
        DeclaredNatsUsage,
        HealthRegistry,
        OpenResponses,
      ],
    };
  }
}
