import { Module } from '@nestjs/common';
import { AccessControlModule } from '../access-control/access-control.module';
import { EdgeModule } from '../edge/edge.module';
import { AuthController } from './auth.controller';

/** /auth: register, login, tokens, password reset, email verification. */
@Module({ imports: [AccessControlModule, EdgeModule], controllers: [AuthController] })
export class AuthRoutesModule {}
