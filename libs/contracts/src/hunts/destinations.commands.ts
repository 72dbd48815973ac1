import { IdParamDto, OkDto } from '../auth/auth.dto';
import { defineCommand } from '../nats/command-descriptor';
import {
  CreateDestinationDto,
  DestinationDto,
  DestinationListDto,
  ListDestinationsDto,
  UpdateDestinationDto,
} from './destination.dto';

/**
 * call-orchestrator's destinations (queue group `call-orchestrator`), scoped to the caller's org
 * (fleet headers, or a team credential: public): every role reads, owners and admins create, change
 * and delete. Another org's id answers NOT_FOUND. The gateway exposes them as `/api/v1/destinations`.
 */
export const DestinationCommands = {
  Create: defineCommand({
    subject: 'destinations.v1.create',
    request: CreateDestinationDto,
    response: DestinationDto,
    public: true,
  }),
  List: defineCommand({
    subject: 'destinations.v1.list',
    request: ListDestinationsDto,
    response: DestinationListDto,
    public: true,
  }),
  Get: defineCommand({ subject: 'destinations.v1.get', request: IdParamDto, response: DestinationDto, public: true }),
  Update: defineCommand({
    subject: 'destinations.v1.update',
    request: UpdateDestinationDto,
    response: DestinationDto,
    public: true,
  }),
  Delete: defineCommand({ subject: 'destinations.v1.delete', request: IdParamDto, response: OkDto, public: true }),
} as const;
