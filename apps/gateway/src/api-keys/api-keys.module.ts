import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';

/** /api-keys. */
@Module({ controllers: [ApiKeysController] })
export class ApiKeysModule {}
