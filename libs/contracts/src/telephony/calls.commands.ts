import { IdParamDto } from '../auth/auth.dto';
import { defineCommand } from '../nats/command-descriptor';
import { CallDigitsDto, CallDto, CallListDto, CreateCallDto, ListCallsDto } from './call.dto';
import { CallFlowRequestDto, CallFlowResponseDto } from './call-flow.dto';

/**
 * call-orchestrator's commands (queue group `call-orchestrator`). The public ones are scoped to the
 * caller's org (fleet headers): every role reads, agents (and admins, owners) place calls, hang them
 * up and send digits. Another org's id answers NOT_FOUND; a call already over answers 409 to hangup
 * and digits. The gateway exposes them as `/api/v1/calls`.
 */
export const CallCommands = {
  /** Instructions (TwiML and alike) for a call the provider asks about; webhook-ingest asks with a tight timeout. */
  Flow: defineCommand({ subject: 'calls.v1.flow', request: CallFlowRequestDto, response: CallFlowResponseDto }),
  /** A single outbound call: its row and line lease commit, then a durable job dials it. */
  Create: defineCommand({ subject: 'calls.v1.create', request: CreateCallDto, response: CallDto, public: true }),
  Get: defineCommand({ subject: 'calls.v1.get', request: IdParamDto, response: CallDto, public: true }),
  List: defineCommand({ subject: 'calls.v1.list', request: ListCallsDto, response: CallListDto, public: true }),
  /** Answered → completed, ringing → canceled, not yet dialed → canceled at once. */
  Hangup: defineCommand({ subject: 'calls.v1.hangup', request: IdParamDto, response: CallDto, public: true }),
  /** DTMF to the far end of an answered single call (`<Play digits>`; digits only from `0-9*#w`). */
  Digits: defineCommand({ subject: 'calls.v1.digits', request: CallDigitsDto, response: CallDto, public: true }),
} as const;
