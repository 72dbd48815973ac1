import {
  CreateTargetDto,
  IdParamDto,
  IVR_STEP_MODELS,
  ListTargetsDto,
  OkDto,
  TargetCommands,
  TargetDto,
  TargetListDto,
  TargetPatchDto,
  TargetStatsDto,
  TargetStatsQueryDto,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/**
 * What the caller's organization hunts (call-orchestrator's targets): a number, its IVR script, a
 * recommended line count and calling hours; and how hunting it went. Every role reads, owners and
 * admins manage.
 */
@ApiTags('targets')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiExtraModels(...IVR_STEP_MODELS)
@Controller('targets')
export class TargetsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @ManagersOnly()
  @ApiOperation({ summary: 'Add a target: a number to hunt, its IVR script, line count and calling hours' })
  @ApiResponse({ status: 201, type: TargetDto })
  @ApiErrors(401, 403)
  create(@Body() dto: CreateTargetDto): Promise<TargetDto> {
    return this.rpc.call(TargetCommands.Create, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Targets of the caller’s organization, oldest first, by cursor pages' })
  @ApiResponse({ status: 200, type: TargetListDto })
  @ApiErrors(401)
  list(@Query() query: ListTargetsDto): Promise<TargetListDto> {
    return this.rpc.call(TargetCommands.List, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One target' })
  @ApiResponse({ status: 200, type: TargetDto })
  @ApiErrors(401, 404)
  get(@Param() params: IdParamDto): Promise<TargetDto> {
    return this.rpc.call(TargetCommands.Get, params);
  }

  @Get(':id/stats')
  @ApiOperation({
    summary: 'How hunting the target went: hunts, success rate, time to a human (p50/p90), by hour of week',
    description:
      'Hours of the week on the wall clock of the target’s calling hours (else UTC); default the last 90 days.',
  })
  @ApiResponse({ status: 200, type: TargetStatsDto })
  @ApiErrors(401, 404)
  stats(@Param() params: IdParamDto, @Query() query: TargetStatsQueryDto): Promise<TargetStatsDto> {
    return this.rpc.call(TargetCommands.Stats, { ...query, id: params.id });
  }

  @Patch(':id')
  @ManagersOnly()
  @ApiOperation({ summary: 'Change a target (hunts already running keep what they started with)' })
  @ApiResponse({ status: 200, type: TargetDto })
  @ApiErrors(401, 403, 404)
  update(@Param() params: IdParamDto, @Body() patch: TargetPatchDto): Promise<TargetDto> {
    return this.rpc.call(TargetCommands.Update, { ...patch, id: params.id });
  }

  @Delete(':id')
  @ManagersOnly()
  @ApiOperation({ summary: 'Remove a target' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401, 403, 404)
  delete(@Param() params: IdParamDto): Promise<OkDto> {
    return this.rpc.call(TargetCommands.Delete, params);
  }
}
