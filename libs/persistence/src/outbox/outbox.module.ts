import { Clock, JetStreamService, MetricsService, NatsConnectionService } from '@callfleet/platform';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgListener } from '../notifications/pg-listener';
import { Outbox, schemaOf } from './outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

/** Starts the relay once the app is up; drains it before NATS and the database close. */
class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(OutboxRelay) private readonly relay: OutboxRelay) {}

  onApplicationBootstrap(): Promise<void> {
    return this.relay.start();
  }

  // Before: NATS drains and the data source closes in onApplicationShutdown, and the relay needs both.
  beforeApplicationShutdown(): Promise<void> {
    return this.relay.stop();
  }
}

/**
 * The transactional outbox of the service's schema (the table comes from `createOutboxTable` in one
 * of the schema's migrations): `Outbox` to add events inside a transaction, and the relay that
 * publishes them. Imported once by a service with a schema, after PersistenceModule; global.
 */
@Module({})
export class OutboxModule {
  static forRoot(options: Partial<OutboxRelayOptions> = {}): DynamicModule {
    return {
      module: OutboxModule,
      global: true,
      providers: [
        Outbox,
        {
          provide: OutboxRelay,
          inject: [DataSource, JetStreamService, NatsConnectionService, Clock, MetricsService, PgListener],
          useFactory: (
            dataSource: DataSource,
            jetstream: JetStreamService,
            nats: NatsConnectionService,
            clock: Clock,
            metrics: MetricsService,
            listener: PgListener,
          ) =>
            new OutboxRelay({
              dataSource,
              schema: schemaOf(dataSource),
              jetstream,
              nats,
              clock,
              metrics,
              listener,
              options,
            }),
        },
        OutboxRelayLifecycle,
      ],
      exports: [Outbox],
    };
  }
}
