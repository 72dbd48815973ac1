import { DatabaseServiceConfig } from '@callfleet/persistence';

export class WebhookIngestConfig extends DatabaseServiceConfig {}
