import { RecordingCommands, RecordingRetentionDto, SetRecordingRetentionDto } from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/** How long the caller's organization keeps its recordings (a static path: it never reads as a recording id). */
@ApiTags('recordings')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('recordings/retention')
export class RecordingRetentionController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: 'The organization’s recording retention in days (90 unless it set its own)' })
  @ApiResponse({ status: 200, type: RecordingRetentionDto })
  @ApiErrors(401)
  get(): Promise<RecordingRetentionDto> {
    return this.rpc.call(RecordingCommands.RetentionGet, {});
  }

  @Put()
  @ManagersOnly()
  @ApiOperation({
    summary: 'Set the recording retention: the daily run then deletes recordings older than `days` (1 to 3650)',
  })
  @ApiResponse({ status: 200, type: RecordingRetentionDto })
  @ApiErrors(401, 403)
  set(@Body() body: SetRecordingRetentionDto): Promise<RecordingRetentionDto> {
    return this.rpc.call(RecordingCommands.RetentionSet, body);
  }
}
