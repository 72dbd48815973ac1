import { Module } from '@nestjs/common';
import { ProviderAccountsController } from './provider-accounts.controller';

/** /provider-accounts, answered by webhook-ingest over NATS. */
@Module({ controllers: [ProviderAccountsController] })
export class ProviderAccountsModule {}
