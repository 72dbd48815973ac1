import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { ApiKeysHandlers } from './api-keys.handlers';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [AccountsModule, AuditModule],
  controllers: [ApiKeysHandlers],
  providers: [ApiKeysService],
})
export class ApiKeysModule {}
