import { Global, Module } from '@nestjs/common';
import { AuthClient } from './auth.client';

/** The auth service's subjects, typed; shared by the routes and by authentication (JWKS, API keys). */
@Global()
@Module({ providers: [AuthClient], exports: [AuthClient] })
export class AuthClientModule {}
