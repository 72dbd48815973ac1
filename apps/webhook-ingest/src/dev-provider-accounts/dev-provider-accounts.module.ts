import { Module } from '@nestjs/common';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { DevProviderAccounts } from './dev-provider-accounts.service';

@Module({ imports: [ProviderAccountsModule], providers: [DevProviderAccounts] })
export class DevProviderAccountsModule {}
