import {
  CallCommands,
  CallDigitsBodyDto,
  CallDto,
  CallListDto,
  CreateCallDto,
  IdParamDto,
  ListCallsDto,
  Role,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/** Those who place and control calls (viewers only watch). */
const CALL_PLACERS = [Role.OWNER, Role.ADMIN, Role.AGENT] as const;

/**
 * Single outbound calls of the caller's organization (outside a hunt), placed and controlled by
 * call-orchestrator: for AI-agent calls, whose audio other teams take from media-stream
 * (`media.v1.audio.<callId>`, and `media.v1.play.<callId>` back into a bidirectional stream).
 */
@ApiTags('calls')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('calls')
export class CallsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @Roles(...CALL_PLACERS)
  @ApiOperation({
    summary: 'Place a call: its line is leased until it ends, the dial leaves at once (status `queued` until then)',
  })
  @ApiResponse({ status: 201, type: CallDto })
  @ApiErrors(400, 401, 403, 404, 409)
  create(@Body() body: CreateCallDto): Promise<CallDto> {
    return this.rpc.call(CallCommands.Create, body);
  }

  @Get()
  @ApiOperation({
    summary: 'Calls of the caller’s organization (single calls and hunt legs’), newest first, by cursor pages',
  })
  @ApiResponse({ status: 200, type: CallListDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListCallsDto): Promise<CallListDto> {
    return this.rpc.call(CallCommands.List, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One call: its status and times' })
  @ApiResponse({ status: 200, type: CallDto })
  @ApiErrors(400, 401, 404)
  get(@Param() params: IdParamDto): Promise<CallDto> {
    return this.rpc.call(CallCommands.Get, params);
  }

  @Post(':id/hangup')
  @HttpCode(200)
  @Roles(...CALL_PLACERS)
  @ApiOperation({ summary: 'Hang up: answered → completed, ringing → canceled; 409 when the call is over already' })
  @ApiResponse({ status: 200, type: CallDto })
  @ApiErrors(400, 401, 403, 404, 409)
  hangUp(@Param() params: IdParamDto): Promise<CallDto> {
    return this.rpc.call(CallCommands.Hangup, params);
  }

  @Post(':id/digits')
  @HttpCode(200)
  @Roles(...CALL_PLACERS)
  @ApiOperation({ summary: 'Send DTMF (0-9, *, #, w) to an answered call; 409 when it is not answered or over' })
  @ApiResponse({ status: 200, type: CallDto })
  @ApiErrors(400, 401, 403, 404, 409, 502)
  digits(@Param() params: IdParamDto, @Body() body: CallDigitsBodyDto): Promise<CallDto> {
    return this.rpc.call(CallCommands.Digits, { ...body, id: params.id });
  }
}
