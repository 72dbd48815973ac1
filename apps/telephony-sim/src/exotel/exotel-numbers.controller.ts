import { Controller, Get, Param, Query, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { exotelNumbersPage } from '../numbers/number-lists';
import { simNumbers } from '../numbers/sim-numbers';
import { ProviderApiErrorFilter } from '../provider-api/provider-api-error.filter';
import { providerBaseUrl } from '../provider-api/provider-base-url';
import { TelephonySimConfig } from '../telephony-sim.config';
import { ExotelApiAccess } from './exotel-api-access';

/** Exotel's v2_beta ExoPhone list (JSON only, with or without `.json`), paged by `Page` and `PageSize`. */
@Controller('v2_beta/Accounts/:accountSid')
@UseFilters(ProviderApiErrorFilter)
export class ExotelNumbersController {
  constructor(
    private readonly access: ExotelApiAccess,
    private readonly config: TelephonySimConfig,
  ) {}

  @Get(['IncomingPhoneNumbers', 'IncomingPhoneNumbers.json'])
  async list(
    @Param('accountSid') accountSid: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const account = this.access.authenticate(request, accountSid);
    await this.access.failIfFaulty(account);
    const numbers = simNumbers('exotel', account.sid, account.numberCount);
    return exotelNumbersPage(account.sid, numbers, query, providerBaseUrl(request, this.config.SIM_PUBLIC_URL));
  }
}
