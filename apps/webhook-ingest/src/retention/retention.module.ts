import { Module } from '@nestjs/common';
import { RetentionCleanup } from './retention-cleanup.job';

@Module({ providers: [RetentionCleanup] })
export class RetentionModule {}
