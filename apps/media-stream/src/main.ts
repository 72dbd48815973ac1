import 'reflect-metadata';
import { runService } from '@callfleet/platform';
import { mediaStreamService } from './media-stream.definition';

runService(mediaStreamService);
