import {
  CreateHuntDto,
  HuntCommands,
  HuntDto,
  HuntListDto,
  IdParamDto,
  IVR_STEP_MODELS,
  LegEventListDto,
  LegEventsQueryDto,
  ListHuntsDto,
  Role,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOperation,
  ApiProperty,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { Roles } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/** Those who run hunts (viewers only watch). */
const HUNT_RUNNERS = [Role.OWNER, Role.ADMIN, Role.AGENT] as const;

/** `/hunts/:id/legs/:legId/…`: the path. */
class LegPathDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  legId: string;
}

/**
 * Hunts of the caller's organization, run by call-orchestrator: N lines dialing one target, its IVR
 * walked on every answered leg, redials within the hunt's budget, and the first live person handed off.
 */
@ApiTags('hunts')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiExtraModels(...IVR_STEP_MODELS)
@Controller('hunts')
export class HuntsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @Roles(...HUNT_RUNNERS)
  @ApiOperation({ summary: 'Start a hunt: its lines are leased at once and dialed `staggerMs` apart' })
  @ApiResponse({ status: 201, type: HuntDto })
  @ApiErrors(400, 401, 403, 404, 409)
  create(@Body() body: CreateHuntDto): Promise<HuntDto> {
    return this.rpc.call(HuntCommands.Create, body);
  }

  @Get()
  @ApiOperation({ summary: 'Hunts of the caller’s organization, newest first, by cursor pages' })
  @ApiResponse({ status: 200, type: HuntListDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListHuntsDto): Promise<HuntListDto> {
    return this.rpc.call(HuntCommands.List, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One hunt: its status, winner, hand-off and every leg' })
  @ApiResponse({ status: 200, type: HuntDto })
  @ApiErrors(400, 401, 404)
  get(@Param() params: IdParamDto): Promise<HuntDto> {
    return this.rpc.call(HuntCommands.Get, params);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...HUNT_RUNNERS)
  @ApiOperation({ summary: 'Cancel: every leg hung up at once, pending dials dropped, every line released' })
  @ApiResponse({ status: 200, type: HuntDto })
  @ApiErrors(400, 401, 403, 404)
  cancel(@Param() params: IdParamDto): Promise<HuntDto> {
    return this.rpc.call(HuntCommands.Cancel, params);
  }

  @Post(':id/legs/:legId/confirm-human')
  @HttpCode(200)
  @Roles(...HUNT_RUNNERS)
  @ApiOperation({
    summary: 'Confirm a live person on a leg: it wins the hunt (in any detection mode) and is handed off',
    description:
      'A person listening says this leg is live. The leg must still be on an answered call of a running hunt ' +
      '(else 409), and no other leg may have won it (409); a repeated confirmation of the winner answers the hunt as it is.',
  })
  @ApiResponse({ status: 200, type: HuntDto })
  @ApiErrors(400, 401, 403, 404, 409)
  confirmHuman(@Param() params: LegPathDto): Promise<HuntDto> {
    return this.rpc.call(HuntCommands.ConfirmHuman, { id: params.id, legId: params.legId });
  }

  @Get(':id/legs/:legId/events')
  @ApiOperation({ summary: 'A leg’s history: every provider event, media signal and engine decision, oldest first' })
  @ApiResponse({ status: 200, type: LegEventListDto })
  @ApiErrors(400, 401, 404)
  legEvents(@Param() params: LegPathDto, @Query() query: LegEventsQueryDto): Promise<LegEventListDto> {
    return this.rpc.call(HuntCommands.LegEvents, { ...query, id: params.id, legId: params.legId });
  }
}
