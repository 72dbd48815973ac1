import { DatabaseServiceConfig } from '@callfleet/persistence';

export class RecordingPipelineConfig extends DatabaseServiceConfig {}
