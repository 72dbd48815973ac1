import {
  CreateProviderAccountDto,
  IdParamDto,
  type ListDto,
  OkDto,
  ProviderAccountCommands,
  ProviderAccountDto,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors, ApiListResponse } from '../docs/api-responses';

/**
 * Telephony provider accounts of the caller's organization (owners and admins only). Credentials
 * and webhook secrets go in and are stored encrypted; answers carry the webhook URLs to give the
 * provider and the names of the secrets set, never a secret.
 */
@ApiTags('provider-accounts')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ManagersOnly()
@Controller('provider-accounts')
export class ProviderAccountsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Add a provider account (Twilio, Exotel, RingCentral, Jambonz, Standard Webhooks)' })
  @ApiResponse({ status: 201, type: ProviderAccountDto })
  @ApiErrors(401, 403)
  create(@Body() dto: CreateProviderAccountDto): Promise<ProviderAccountDto> {
    return this.rpc.call(ProviderAccountCommands.Create, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Provider accounts of the caller’s organization' })
  @ApiListResponse(ProviderAccountDto)
  @ApiErrors(401, 403)
  list(): Promise<ListDto<ProviderAccountDto>> {
    return this.rpc.call(ProviderAccountCommands.List, {});
  }

  @Get(':id')
  @ApiOperation({ summary: 'One provider account, with its webhook URLs and subscription state' })
  @ApiResponse({ status: 200, type: ProviderAccountDto })
  @ApiErrors(401, 403, 404)
  get(@Param() params: IdParamDto): Promise<ProviderAccountDto> {
    return this.rpc.call(ProviderAccountCommands.Get, params);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove a provider account; its webhooks are refused from then on' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401, 403, 404)
  delete(@Param() params: IdParamDto): Promise<OkDto> {
    return this.rpc.call(ProviderAccountCommands.Delete, params);
  }
}
