import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccountsService, parseBasicAuth } from '../accounts/accounts.service';
import type { SimAccount } from '../accounts/sim-account';
import { ApiFaultsService } from '../provider-api/api-faults.service';
import { exotelError } from '../provider-api/provider-api-error';

/** Who may call Exotel's API (basic auth API key : token) and whether the account's API is failing, for every Exotel route. */
@Injectable()
export class ExotelApiAccess {
  constructor(
    private readonly accounts: AccountsService,
    private readonly faults: ApiFaultsService,
  ) {}

  authenticate(request: FastifyRequest, accountSid: string): SimAccount {
    const credentials = parseBasicAuth(request.headers.authorization);
    const account = credentials
      ? this.accounts.authenticateBasic(credentials.user, credentials.password, 'exotel', accountSid)
      : undefined;
    if (!account) throw exotelError(401, 'Authentication is required to view this resource.');
    return account;
  }

  async failIfFaulty(account: SimAccount, dialedNumber?: string): Promise<void> {
    const fault = await this.faults.check(account, dialedNumber);
    if (!fault) return;
    if (fault.kind === 'error') throw exotelError(500, 'Internal Server Error');
    const retryAfter = { 'Retry-After': String(fault.retryAfterSeconds) };
    if (fault.kind === 'unavailable') throw exotelError(503, 'Service Unavailable', retryAfter);
    throw exotelError(429, 'Too Many Requests', retryAfter);
  }
}
