import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProviderApiError } from './provider-api-error';

/** Answers a ProviderApiError as the provider would; everything else goes to the fleet's filter. */
@Catch(ProviderApiError)
export class ProviderApiErrorFilter implements ExceptionFilter {
  catch(error: ProviderApiError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    void reply.status(error.status).headers(error.headers).header('content-type', 'application/json').send(error.body);
  }
}
