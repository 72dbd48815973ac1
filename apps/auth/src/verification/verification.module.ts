import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { VerificationCodesService } from './verification-codes.service';

@Module({
  imports: [NotificationsModule],
  providers: [VerificationCodesService],
  exports: [VerificationCodesService],
})
export class VerificationModule {}
