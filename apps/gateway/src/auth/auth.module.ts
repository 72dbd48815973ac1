import { Module } from '@nestjs/common';
import { AccessControlModule } from '../access-control/access-control.module';
import { AuthController } from './auth.controller';

/** /auth: register, login, tokens, password reset, email verification. */
@Module({ imports: [AccessControlModule], controllers: [AuthController] })
export class AuthRoutesModule {}
