import type { SchemaOptions } from '@callfleet/persistence';
import { CallEntity } from './calls/call.entity';
import { DestinationEntity } from './destinations/destination.entity';
import { HuntEntity } from './hunts/hunt.entity';
import { LegEntity } from './legs/leg.entity';
import { LegEventEntity } from './legs/leg-event.entity';
import { LineEntity } from './lines/line.entity';
import { CreateOrchestratorSchema1796000000001 } from './migrations/1796000000001-create-orchestrator-schema';
import { LineTimesInMilliseconds1796000000300 } from './migrations/1796000000300-line-times-in-milliseconds';
import { PageTimesInMilliseconds1796000000400 } from './migrations/1796000000400-page-times-in-milliseconds';
import { HuntWinnerFenceAndSignalKeys1796000000620 } from './migrations/1796000000620-hunt-winner-fence-and-signal-keys';
import { TargetEntity } from './targets/target.entity';

/** The orchestrator's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const callOrchestratorSchema: SchemaOptions = {
  schema: 'orchestrator',
  entities: [LineEntity, DestinationEntity, TargetEntity, HuntEntity, CallEntity, LegEntity, LegEventEntity],
  migrations: [
    CreateOrchestratorSchema1796000000001,
    LineTimesInMilliseconds1796000000300,
    PageTimesInMilliseconds1796000000400,
    HuntWinnerFenceAndSignalKeys1796000000620,
  ],
};
