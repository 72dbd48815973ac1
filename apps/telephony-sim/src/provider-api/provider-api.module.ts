import { Module } from '@nestjs/common';
import { ApiFaultsService } from './api-faults.service';

@Module({ providers: [ApiFaultsService], exports: [ApiFaultsService] })
export class ProviderApiModule {}
