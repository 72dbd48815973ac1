import { Module } from '@nestjs/common';
import { ProviderAccountsClient } from './provider-accounts.client';
import { ProviderAccountsController } from './provider-accounts.controller';

/** /provider-accounts, answered by webhook-ingest over NATS. */
@Module({ controllers: [ProviderAccountsController], providers: [ProviderAccountsClient] })
export class ProviderAccountsModule {}
