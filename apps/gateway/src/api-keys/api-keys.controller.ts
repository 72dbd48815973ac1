import {
  ApiKeyDto,
  AuthCommands,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  IdParamDto,
  type ListDto,
  OkDto,
} from '@callfleet/contracts';
import { NatsRpcClient, Revocations } from '@callfleet/platform';
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors, ApiListResponse } from '../docs/api-responses';

/** Machine credentials of the caller's organization (owners and admins only). */
@ApiTags('api-keys')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ManagersOnly()
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly revocations: Revocations,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is shown in this answer only' })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  @ApiErrors(401, 403)
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.rpc.call(AuthCommands.ApiKeyCreate, dto);
  }

  @Get()
  @ApiOperation({ summary: 'API keys of the caller’s organization' })
  @ApiListResponse(ApiKeyDto)
  @ApiErrors(401, 403)
  list(): Promise<ListDto<ApiKeyDto>> {
    return this.rpc.call(AuthCommands.ApiKeyList, {});
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401, 403, 404)
  async revoke(@Param() params: IdParamDto): Promise<OkDto> {
    const result = await this.rpc.call(AuthCommands.ApiKeyRevoke, params);
    // Refused here from now on; other replicas learn it from the KV bucket auth just wrote.
    this.revocations.addApiKey(params.id);
    return result;
  }
}
