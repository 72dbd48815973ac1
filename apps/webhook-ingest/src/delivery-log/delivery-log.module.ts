import { Module } from '@nestjs/common';
import { DeliveryLogWriter } from './delivery-log.writer';

@Module({ providers: [DeliveryLogWriter], exports: [DeliveryLogWriter] })
export class DeliveryLogModule {}
