import { Module } from '@nestjs/common';
import { WebhookDispatcher } from './webhook-dispatcher.service';

@Module({ providers: [WebhookDispatcher], exports: [WebhookDispatcher] })
export class WebhooksModule {}
