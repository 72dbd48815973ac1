import { defineCommand } from '../nats/command-descriptor';
import { CallFlowRequestDto, CallFlowResponseDto } from './call-flow.dto';

/** call-orchestrator's commands (queue group `call-orchestrator`). */
export const CallCommands = {
  /** Instructions (TwiML and alike) for a call the provider asks about; webhook-ingest asks with a tight timeout. */
  Flow: defineCommand({ subject: 'calls.v1.flow', request: CallFlowRequestDto, response: CallFlowResponseDto }),
} as const;
