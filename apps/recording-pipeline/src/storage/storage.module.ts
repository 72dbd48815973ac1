import { Module } from '@nestjs/common';
import { InternalBaseUrl } from '../http/internal-base-url';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { createRecordingStore } from './create-recording-store';
import { RecordingStore } from './recording-store';
import { RecordingStoreConfig } from './recording-store.config';
import { RecordingStoreMaintenance } from './store-maintenance';

/** Routes under which the local driver's signed object URLs are served (ContentController). */
export const OBJECT_URL_PATH = '/recordings/objects';

/** The recording store RECORDINGS_STORE names, its readiness indicator and its sweep of incomplete uploads. */
@Module({
  providers: [
    InternalBaseUrl,
    { provide: RecordingStoreConfig, useExisting: RecordingPipelineConfig },
    {
      provide: RecordingStore,
      useFactory: (config: RecordingPipelineConfig, base: InternalBaseUrl) =>
        createRecordingStore(config, {
          root: config.RECORDINGS_LOCAL_DIR,
          // Read at each presign: this service's port is known only once it listens.
          get urlBase() {
            return config.RECORDING_OBJECT_URL_BASE ?? `${base.get()}${OBJECT_URL_PATH}`;
          },
          urlSecret: config.RECORDING_LINK_SECRET,
        }),
      inject: [RecordingPipelineConfig, InternalBaseUrl],
    },
    RecordingStoreMaintenance,
  ],
  exports: [RecordingStore, InternalBaseUrl],
})
export class StorageModule {}
