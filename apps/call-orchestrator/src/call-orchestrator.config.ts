import { DatabaseServiceConfig } from '@callfleet/persistence';

export class CallOrchestratorConfig extends DatabaseServiceConfig {}
