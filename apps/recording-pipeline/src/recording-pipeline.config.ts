import { RecordingStoreConfig } from './storage/recording-store.config';

export class RecordingPipelineConfig extends RecordingStoreConfig {}
