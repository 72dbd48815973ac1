import {
  IdParamDto,
  ListRecordingsDto,
  type OkDto,
  RecordingCommands,
  type RecordingContentLinkDto,
  type RecordingDto,
  type RecordingListDto,
  RecordingObjectLinkRequestDto,
  type RecordingUrlDto,
  RecordingUrlRequestDto,
} from '@callfleet/contracts';
import { Caller, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { RecordingsService } from './recordings.service';

/** Recordings of the caller's org (the gateway's /api/v1/recordings); another org's id is NOT_FOUND. */
@Controller()
export class RecordingsHandlers {
  constructor(private readonly recordings: RecordingsService) {}

  @Command(RecordingCommands.List)
  list(@Payload() dto: ListRecordingsDto, @Caller('org') caller: OrgCaller): Promise<RecordingListDto> {
    return this.recordings.list(caller.orgId, dto);
  }

  @Command(RecordingCommands.Get)
  get(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<RecordingDto> {
    return this.recordings.get(caller.orgId, params.id);
  }

  @Command(RecordingCommands.Url)
  url(@Payload() dto: RecordingUrlRequestDto, @Caller('org') caller: OrgCaller): Promise<RecordingUrlDto> {
    return this.recordings.url(caller.orgId, dto.id, dto.ttlSeconds);
  }

  @Command(RecordingCommands.ContentLink)
  contentLink(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<RecordingContentLinkDto> {
    return this.recordings.contentLink(caller.orgId, params.id);
  }

  /** Fleet only, and with no caller: the URL's signature is the credential. */
  @Command(RecordingCommands.ObjectLink)
  objectLink(@Payload() dto: RecordingObjectLinkRequestDto): Promise<RecordingContentLinkDto> {
    return this.recordings.objectLink(dto);
  }

  @Command(RecordingCommands.Delete)
  async delete(@Payload() params: IdParamDto, @Caller('org') caller: OrgCaller): Promise<OkDto> {
    await this.recordings.delete(caller, params.id);
    return { ok: true };
  }
}
