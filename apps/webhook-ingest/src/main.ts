import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { webhookIngestService } from './webhook-ingest.definition';

runService(webhookIngestService);
