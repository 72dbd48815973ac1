import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { TokensModule } from '../tokens/tokens.module';
import { SessionsHandlers } from './sessions.handlers';
import { SessionsService } from './sessions.service';

@Module({
  imports: [AccountsModule, AuditModule, PasswordsModule, TokensModule],
  controllers: [SessionsHandlers],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
