import { ErrorCode } from '@callfleet/contracts';
import { AppException, constantTimeEqual } from '@callfleet/platform';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TelephonySimConfig } from '../telephony-sim.config';

/** The admin API needs `Authorization: Bearer <SIM_ADMIN_TOKEN>`: it can rewrite any account. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: TelephonySimConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new AppException(ErrorCode.MISSING_CREDENTIALS, 'Admin token required');
    if (!constantTimeEqual(token, this.config.SIM_ADMIN_TOKEN))
      throw new AppException(ErrorCode.UNAUTHORIZED, 'Invalid admin token');
    return true;
  }
}
