import { Module } from '@nestjs/common';
import { ClientIpResolver } from './client-ip';

@Module({ providers: [ClientIpResolver], exports: [ClientIpResolver] })
export class EdgeModule {}
