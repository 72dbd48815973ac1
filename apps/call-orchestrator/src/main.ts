import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { callOrchestratorService } from './call-orchestrator.definition';

runService(callOrchestratorService);
