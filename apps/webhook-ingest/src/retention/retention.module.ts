import { Module } from '@nestjs/common';
import { RetentionCleanup } from './retention-cleanup.service';

@Module({ providers: [RetentionCleanup], exports: [RetentionCleanup] })
export class RetentionModule {}
