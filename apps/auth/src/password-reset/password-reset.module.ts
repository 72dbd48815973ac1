import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionsModule } from '../sessions/sessions.module';
import { VerificationModule } from '../verification/verification.module';
import { PasswordResetHandlers } from './password-reset.handlers';
import { PasswordResetService } from './password-reset.service';

@Module({
  imports: [AccountsModule, AuditModule, PasswordsModule, SessionsModule, VerificationModule],
  controllers: [PasswordResetHandlers],
  providers: [PasswordResetService],
})
export class PasswordResetModule {}
