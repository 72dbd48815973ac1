import {
  CreateDestinationDto,
  DestinationCommands,
  DestinationDto,
  DestinationListDto,
  DestinationPatchDto,
  IdParamDto,
  ListDestinationsDto,
  OkDto,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/**
 * Where the caller's organization's won calls go (call-orchestrator's destinations): every role reads,
 * owners and admins manage. One of them is the default, used by a hunt that names none.
 */
@ApiTags('destinations')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('destinations')
export class DestinationsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @ManagersOnly()
  @ApiOperation({
    summary: 'Add a destination: a phone number (with extension digits for a queue) or a SIP URI',
    description: 'With `isDefault: true` it becomes the default; the organization’s first one is by default.',
  })
  @ApiResponse({ status: 201, type: DestinationDto })
  @ApiErrors(401, 403)
  create(@Body() dto: CreateDestinationDto): Promise<DestinationDto> {
    return this.rpc.call(DestinationCommands.Create, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Destinations of the caller’s organization, oldest first, by cursor pages' })
  @ApiResponse({ status: 200, type: DestinationListDto })
  @ApiErrors(401)
  list(@Query() query: ListDestinationsDto): Promise<DestinationListDto> {
    return this.rpc.call(DestinationCommands.List, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One destination' })
  @ApiResponse({ status: 200, type: DestinationDto })
  @ApiErrors(401, 404)
  get(@Param() params: IdParamDto): Promise<DestinationDto> {
    return this.rpc.call(DestinationCommands.Get, params);
  }

  @Patch(':id')
  @ManagersOnly()
  @ApiOperation({
    summary: 'Change a destination; `isDefault: true` makes it the default (the old one stops being it)',
  })
  @ApiResponse({ status: 200, type: DestinationDto })
  @ApiErrors(401, 403, 404)
  update(@Param() params: IdParamDto, @Body() patch: DestinationPatchDto): Promise<DestinationDto> {
    return this.rpc.call(DestinationCommands.Update, { ...patch, id: params.id });
  }

  @Delete(':id')
  @ManagersOnly()
  @ApiOperation({ summary: 'Remove a destination (running hunts keep the copy they started with)' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401, 403, 404)
  delete(@Param() params: IdParamDto): Promise<OkDto> {
    return this.rpc.call(DestinationCommands.Delete, params);
  }
}
