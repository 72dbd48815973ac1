import { Module } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import { AuthController } from './auth.controller';

/** /auth: register, login, tokens, password reset, email verification. */
@Module({ imports: [AuthenticationModule], controllers: [AuthController] })
export class AuthRoutesModule {}
