import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { VerificationModule } from '../verification/verification.module';
import { UsersHandlers } from './users.handlers';
import { UsersService } from './users.service';

@Module({
  imports: [AccountsModule, AuditModule, VerificationModule],
  controllers: [UsersHandlers],
  providers: [UsersService],
})
export class UsersModule {}
