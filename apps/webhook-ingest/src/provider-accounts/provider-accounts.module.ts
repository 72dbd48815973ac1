import { SecretBox } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { PublicUrlModule } from '../public-url/public-url.module';
import { WebhookIngestConfig } from '../webhook-ingest.config';
import { ProviderAccountsHandlers } from './provider-accounts.handlers';
import { ProviderAccountsService } from './provider-accounts.service';

/** Provider accounts: created and listed over NATS, resolved (secrets opened) for webhooks and jobs. */
@Module({
  imports: [PublicUrlModule],
  controllers: [ProviderAccountsHandlers],
  providers: [
    ProviderAccountsService,
    {
      provide: SecretBox,
      useFactory: (config: WebhookIngestConfig) => SecretBox.fromConfig(config.ENCRYPTION_KEYS),
      inject: [WebhookIngestConfig],
    },
  ],
  exports: [ProviderAccountsService],
})
export class ProviderAccountsModule {}
