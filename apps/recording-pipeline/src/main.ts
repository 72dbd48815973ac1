import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { recordingPipelineService } from './recording-pipeline.definition';

runService(recordingPipelineService);
