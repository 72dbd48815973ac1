import { ErrorCode, type ListeningDto, ListenToCallDto, MediaCommands } from '@callfleet/contracts';
import { AppException, Caller, Clock, Command, type OrgCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CallDirectory } from './call-directory';
import { Listens } from './listens';

/** `media.v1.listen`: a call's audio on `media.v1.audio.<callId>` for a while, for the org whose call it is. */
@Controller()
export class ListenHandlers {
  constructor(
    private readonly directory: CallDirectory,
    private readonly listens: Listens,
    private readonly clock: Clock,
  ) {}

  @Command(MediaCommands.Listen)
  async listen(@Payload() dto: ListenToCallDto, @Caller('org') caller: OrgCaller): Promise<ListeningDto> {
    const held = await this.directory.lookup(dto.callId);
    // Another org's call is as unknown as one no replica holds: its existence is not the caller's to learn.
    if (!held || held.orgId !== caller.orgId)
      throw new AppException(ErrorCode.NOT_FOUND, 'No live media stream for this call');
    const until = await this.listens.listen(dto.callId, caller.orgId, this.clock.nowMs() + dto.durationSeconds * 1000);
    return { callId: dto.callId, listeningUntil: new Date(until).toISOString() };
  }
}
