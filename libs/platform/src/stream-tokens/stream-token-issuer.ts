import { type IssueStreamTokenDto, StreamTokenCommands, type StreamTokenDto } from '@callfleet/contracts';
import type { NatsRpcClient } from '../nats/nats-rpc.client';

/**
 * Asks auth for a stream token (auth.v1.stream-tokens.issue): the orchestrator puts it into the TwiML
 * `<Parameter name="token">` or the Exotel stream URL's `?token=`. The service must declare
 * `calls: [StreamTokenCommands.Issue]`; only call-orchestrator is allowed to.
 */
export class StreamTokenIssuer {
  constructor(private readonly rpc: NatsRpcClient) {}

  issue(dto: IssueStreamTokenDto): Promise<StreamTokenDto> {
    return this.rpc.call(StreamTokenCommands.Issue, dto);
  }
}
