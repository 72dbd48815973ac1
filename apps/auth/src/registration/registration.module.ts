import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionsModule } from '../sessions/sessions.module';
import { RegistrationHandlers } from './registration.handlers';
import { RegistrationService } from './registration.service';

@Module({
  imports: [AccountsModule, AuditModule, EmailVerificationModule, PasswordsModule, SessionsModule],
  controllers: [RegistrationHandlers],
  providers: [RegistrationService],
})
export class RegistrationModule {}
