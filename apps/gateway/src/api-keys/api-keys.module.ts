import { Module } from '@nestjs/common';
import { AccessControlModule } from '../access-control/access-control.module';
import { ApiKeysController } from './api-keys.controller';

/** /api-keys. */
@Module({ imports: [AccessControlModule], controllers: [ApiKeysController] })
export class ApiKeysModule {}
