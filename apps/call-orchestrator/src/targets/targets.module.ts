import { Module } from '@nestjs/common';
import { TargetsService } from './targets.service';

/** Targets of each org (what is hunted); the hunt engine reads a hunt's target through the service. */
@Module({ providers: [TargetsService], exports: [TargetsService] })
export class TargetsModule {}
