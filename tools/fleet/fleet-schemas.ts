import type { SchemaOptions } from '@callfleet/persistence';
import { FLEET_DEFINITIONS } from './fleet-definitions';

/** Every PostgreSQL schema of the fleet, each owned by one service; `npm run migrate` brings them all up to date. */
export const FLEET_SCHEMAS: readonly SchemaOptions[] = FLEET_DEFINITIONS.flatMap((d) => (d.schema ? [d.schema] : []));
