import { Module } from '@nestjs/common';
import { InternalBaseUrl } from '../http/internal-base-url';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { LocalRecordingStore } from './local-recording-store';
import { RecordingStore } from './recording-store';

/** Routes under which the local driver's signed object URLs are served (ContentController). */
export const OBJECT_URL_PATH = '/recordings/objects';

/** The recording store. Local folder for now; recstore's S3 driver is chosen by RECORDINGS_STORE. */
@Module({
  providers: [
    InternalBaseUrl,
    {
      provide: RecordingStore,
      useFactory: (config: RecordingPipelineConfig, base: InternalBaseUrl) =>
        new LocalRecordingStore({
          root: config.RECORDINGS_LOCAL_DIR,
          // Read at each presign: this service's port is known only once it listens.
          get urlBase() {
            return config.RECORDING_OBJECT_URL_BASE ?? `${base.get()}${OBJECT_URL_PATH}`;
          },
          urlSecret: config.RECORDING_LINK_SECRET,
        }),
      inject: [RecordingPipelineConfig, InternalBaseUrl],
    },
  ],
  exports: [RecordingStore, InternalBaseUrl],
})
export class StorageModule {}
