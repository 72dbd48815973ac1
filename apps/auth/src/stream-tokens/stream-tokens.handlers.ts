import { IssueStreamTokenDto, StreamTokenCommands, type StreamTokenDto } from '@callfleet/contracts';
import { Command } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { StreamTokenService } from './stream-token.service';

@Controller()
export class StreamTokensHandlers {
  constructor(private readonly streamTokens: StreamTokenService) {}

  /**
   * Fleet-only, and only call-orchestrator is allowed to publish the subject (the broker's permissions,
   * generated from the services' definitions), so there is no caller to check here: the organization
   * in the request is the one the orchestrator placed the call for.
   */
  @Command(StreamTokenCommands.Issue)
  issue(@Payload() dto: IssueStreamTokenDto): Promise<StreamTokenDto> {
    return this.streamTokens.issue(dto);
  }
}
