import { Module } from '@nestjs/common';
import { AccountsHandlers } from './accounts.handlers';
import { AccountsService } from './accounts.service';

@Module({ controllers: [AccountsHandlers], providers: [AccountsService], exports: [AccountsService] })
export class AccountsModule {}
