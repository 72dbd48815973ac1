import { DEFAULT_HTTP_PORTS, RECORDING_OBJECT_URL_PATH, ServiceName } from '@callfleet/contracts';
import { Module } from '@nestjs/common';
import { InternalBaseUrl } from '../http/internal-base-url';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { createRecordingStore } from './create-recording-store';
import { RecordingStore } from './recording-store';
import { RecordingStoreConfig } from './recording-store.config';
import { RecordingStoreMaintenance } from './store-maintenance';

/** Where the gateway streams a local object from: this service's route behind the gateway's (ContentController). */
export const OBJECT_URL_PATH = '/recordings/objects';

/** The recording store RECORDINGS_STORE names, its readiness indicator and its sweep of incomplete uploads. */
@Module({
  providers: [
    InternalBaseUrl,
    { provide: RecordingStoreConfig, useExisting: RecordingPipelineConfig },
    {
      provide: RecordingStore,
      useFactory: (config: RecordingPipelineConfig) =>
        createRecordingStore(config, {
          root: config.RECORDINGS_LOCAL_DIR,
          // The gateway serves these URLs (the signature is the credential) and streams from OBJECT_URL_PATH.
          urlBase: `${
            config.GATEWAY_PUBLIC_URL ?? `http://localhost:${DEFAULT_HTTP_PORTS[ServiceName.GATEWAY]}`
          }${RECORDING_OBJECT_URL_PATH}`,
          urlSecret: config.RECORDING_LINK_SECRET,
        }),
      inject: [RecordingPipelineConfig],
    },
    RecordingStoreMaintenance,
  ],
  exports: [RecordingStore, InternalBaseUrl],
})
export class StorageModule {}
