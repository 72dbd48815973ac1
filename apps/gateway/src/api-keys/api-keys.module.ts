import { Module } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import { ApiKeysController } from './api-keys.controller';

/** /api-keys. */
@Module({ imports: [AuthenticationModule], controllers: [ApiKeysController] })
export class ApiKeysModule {}
