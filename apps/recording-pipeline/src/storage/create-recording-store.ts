import { LocalRecordingStore, type LocalStoreOptions } from './local-recording-store';
import type { RecordingStore } from './recording-store';
import type { RecordingStoreConfig } from './recording-store.config';
import { S3RecordingStore } from './s3-recording-store';

/** The driver RECORDINGS_STORE names, from the config (the local driver's folder and URL signing come with it). */
export function createRecordingStore(config: RecordingStoreConfig, local: LocalStoreOptions): RecordingStore {
  if (config.RECORDINGS_STORE === 'local') return new LocalRecordingStore(local);
  if (!config.S3_BUCKET) throw new Error('RECORDINGS_STORE=s3 needs S3_BUCKET');
  return new S3RecordingStore({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials:
      config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
        : undefined,
    serverSideEncryption: config.S3_SSE,
    kmsKeyId: config.S3_SSE_KMS_KEY_ID,
    partSizeBytes: config.S3_PART_SIZE_MB * 1024 * 1024,
    queueSize: config.S3_UPLOAD_QUEUE_SIZE,
  });
}
