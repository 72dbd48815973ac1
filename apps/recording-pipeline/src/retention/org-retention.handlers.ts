import { RecordingCommands, type RecordingRetentionDto, SetRecordingRetentionDto } from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrgRetentionService } from './org-retention.service';

/** The caller's org's recording retention (the gateway's /api/v1/recordings/retention). */
@Controller()
export class OrgRetentionHandlers {
  constructor(private readonly retention: OrgRetentionService) {}

  @Command(RecordingCommands.RetentionGet)
  get(@Caller('org') caller: OrgCaller): Promise<RecordingRetentionDto> {
    return this.retention.get(caller.orgId);
  }

  @Command(RecordingCommands.RetentionSet)
  set(@Payload() dto: SetRecordingRetentionDto, @Caller('org') caller: OrgCaller): Promise<RecordingRetentionDto> {
    return this.retention.set(caller, dto.days);
  }
}
