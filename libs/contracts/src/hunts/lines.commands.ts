import { defineCommand } from '../nats/command-descriptor';
import { LineDto, LineListDto, LineSyncResultDto, ListLinesDto, SyncLinesDto, UpdateLineDto } from './lines.dto';

/**
 * call-orchestrator's commands on lines (queue group `call-orchestrator`), scoped to the caller's org
 * (fleet headers): every role reads; owners and admins sync and change them. Another org's id answers
 * NOT_FOUND. The gateway exposes them as `/api/v1/lines`.
 */
export const LineCommands = {
  Sync: defineCommand({ subject: 'lines.v1.sync', request: SyncLinesDto, response: LineSyncResultDto, public: true }),
  List: defineCommand({ subject: 'lines.v1.list', request: ListLinesDto, response: LineListDto, public: true }),
  Update: defineCommand({ subject: 'lines.v1.update', request: UpdateLineDto, response: LineDto, public: true }),
} as const;
