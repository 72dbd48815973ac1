import { IdParamDto, OkDto } from '../auth/auth.dto';
import { defineCommand } from '../nats/command-descriptor';
import {
  CreateTargetDto,
  ListTargetsDto,
  TargetDto,
  TargetListDto,
  TargetStatsDto,
  TargetStatsRequestDto,
  UpdateTargetDto,
} from './target.dto';

/**
 * call-orchestrator's targets (queue group `call-orchestrator`), scoped to the caller's org (fleet
 * headers, or a team credential: public): every role reads them and their stats, owners and admins
 * create, change and delete. Another org's id answers NOT_FOUND. The gateway exposes them as
 * `/api/v1/targets`.
 */
export const TargetCommands = {
  Create: defineCommand({ subject: 'targets.v1.create', request: CreateTargetDto, response: TargetDto, public: true }),
  List: defineCommand({ subject: 'targets.v1.list', request: ListTargetsDto, response: TargetListDto, public: true }),
  Get: defineCommand({ subject: 'targets.v1.get', request: IdParamDto, response: TargetDto, public: true }),
  Update: defineCommand({ subject: 'targets.v1.update', request: UpdateTargetDto, response: TargetDto, public: true }),
  Delete: defineCommand({ subject: 'targets.v1.delete', request: IdParamDto, response: OkDto, public: true }),
  Stats: defineCommand({
    subject: 'targets.v1.stats',
    request: TargetStatsRequestDto,
    response: TargetStatsDto,
    public: true,
  }),
} as const;
