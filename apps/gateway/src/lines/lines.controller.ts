import {
  IdParamDto,
  LineCommands,
  LineDto,
  LineListDto,
  LineSyncResultDto,
  ListLinesDto,
  SyncLinesDto,
  UpdateLineBodyDto,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/**
 * The numbers and extensions hunts call from, answered by call-orchestrator: every role reads,
 * owners and admins sync them from a provider account and enable or pool them.
 */
@ApiTags('lines')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('lines')
export class LinesController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post('sync')
  @HttpCode(200)
  @ManagersOnly()
  @ApiOperation({
    summary: 'Read every page of a provider account’s numbers / extensions and bring the lines in step',
    description:
      'New lines are added, changed or returning ones updated, and the ones the provider no longer lists are marked removed (no longer listed nor leasable; never deleted). A provider that fails a page changes nothing (502).',
  })
  @ApiResponse({ status: 200, type: LineSyncResultDto })
  @ApiErrors(401, 403, 404, 502)
  sync(@Body() dto: SyncLinesDto): Promise<LineSyncResultDto> {
    return this.rpc.call(LineCommands.Sync, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'Lines of the caller’s organization, oldest first, by cursor pages of at most 500',
    description:
      '`available=true`: enabled and not held by a hunt or a call. `inUse` names the hunt (and leg) or the single call holding a line.',
  })
  @ApiResponse({ status: 200, type: LineListDto })
  @ApiErrors(401)
  list(@Query() query: ListLinesDto): Promise<LineListDto> {
    return this.rpc.call(LineCommands.List, query);
  }

  @Patch(':id')
  @ManagersOnly()
  @ApiOperation({ summary: 'Enable, disable or pool a line (`pools` replaces the list)' })
  @ApiResponse({ status: 200, type: LineDto })
  @ApiErrors(401, 403, 404)
  update(@Param() params: IdParamDto, @Body() body: UpdateLineBodyDto): Promise<LineDto> {
    return this.rpc.call(LineCommands.Update, { ...body, id: params.id });
  }
}
