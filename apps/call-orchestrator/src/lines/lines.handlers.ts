import {
  LineCommands,
  type LineDto,
  type LineListDto,
  type LineSyncResultDto,
  ListLinesDto,
  SyncLinesDto,
  UpdateLineDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { LinesService } from './lines.service';

/** Lines of the caller's org (the gateway's /api/v1/lines); another org's id is NOT_FOUND. */
@Controller()
export class LinesHandlers {
  constructor(private readonly lines: LinesService) {}

  @Command(LineCommands.Sync)
  sync(@Payload() dto: SyncLinesDto, @Caller('org') caller: OrgCaller): Promise<LineSyncResultDto> {
    return this.lines.sync(caller, dto.providerAccountId);
  }

  @Command(LineCommands.List)
  list(@Payload() dto: ListLinesDto, @Caller('org') caller: OrgCaller): Promise<LineListDto> {
    return this.lines.list(caller.orgId, dto);
  }

  @Command(LineCommands.Update)
  update(@Payload() dto: UpdateLineDto, @Caller('org') caller: OrgCaller): Promise<LineDto> {
    return this.lines.update(caller, dto);
  }
}
