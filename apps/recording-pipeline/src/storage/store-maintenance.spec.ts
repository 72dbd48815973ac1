import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobScheduler } from '@callfleet/persistence';
import { HealthRegistry, loadConfig, MetricsService } from '@callfleet/platform';
import { createRecordingStore } from './create-recording-store';
import { LocalRecordingStore } from './local-recording-store';
import { RecordingStoreConfig } from './recording-store.config';
import { S3RecordingStore } from './s3-recording-store';
import { RecordingStoreMaintenance } from './store-maintenance';

const local = { root: '/tmp/unused', urlBase: 'http://127.0.0.1:3005/recordings/objects', urlSecret: 'x'.repeat(32) };
const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' };

describe('choosing the recording store', () => {
  it('is the local folder by default outside production', () => {
    const config = loadConfig('recording-pipeline', RecordingStoreConfig, env);
    expect(createRecordingStore(config, local).driver).toBe('local');
  });

  it('must be said in production, and s3 needs a bucket', () => {
    expect(() => loadConfig('recording-pipeline', RecordingStoreConfig, { ...env, NODE_ENV: 'production' })).toThrow(
      'RECORDINGS_STORE',
    );
    expect(() => loadConfig('recording-pipeline', RecordingStoreConfig, { ...env, RECORDINGS_STORE: 's3' })).toThrow(
      'S3_BUCKET',
    );
  });

  it('is S3 with the endpoint, path style and encryption the config gives', async () => {
    const config = loadConfig('recording-pipeline', RecordingStoreConfig, {
      ...env,
      RECORDINGS_STORE: 's3',
      S3_BUCKET: 'calls',
      S3_ENDPOINT: 'http://minio:9000',
      S3_FORCE_PATH_STYLE: 'true',
      S3_SSE: 'AES256',
    });
    const store = createRecordingStore(config, local) as S3RecordingStore;
    expect(store).toBeInstanceOf(S3RecordingStore);
    expect(await store.client.config.forcePathStyle).toBe(true);
    expect((await store.client.config.endpoint?.())?.hostname).toBe('minio');
    store.client.destroy();
  });
});

describe('store maintenance', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'recordings-maintenance-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  function maintain(store: LocalRecordingStore) {
    const health = new HealthRegistry();
    const metrics = new MetricsService('recording-pipeline');
    const config = loadConfig('recording-pipeline', RecordingStoreConfig, env);
    // The scheduler is only used at bootstrap (recurring job registration), not in these tests.
    const maintenance = new RecordingStoreMaintenance(store, config, {} as JobScheduler, health, metrics);
    return { health, metrics, maintenance };
  }

  it('puts the store in readiness', async () => {
    const { health } = maintain(new LocalRecordingStore({ ...local, root }));
    const check = health.all().find((c) => c.name === 'recording-store');
    await expect(check?.check()).resolves.toBeUndefined();
    await writeFile(join(root, 'a-file'), '');
    const broken = maintain(new LocalRecordingStore({ ...local, root: join(root, 'a-file', 'below') })).health;
    await expect(broken.all()[0].check()).rejects.toThrow();
  });

  it('sweeps partial files older than the configured age, and counts them', async () => {
    const { maintenance, metrics } = maintain(new LocalRecordingStore({ ...local, root }));
    const stale = join(root, '.x.wav.crashed.partial');
    await writeFile(stale, 'half');
    const old = new Date(Date.now() - 7 * 3_600_000);
    await utimes(stale, old, old);
    await writeFile(join(root, '.y.wav.running.partial'), 'in flight');
    expect(await maintenance.removeIncompleteUploads()).toBe(1);
    expect(
      await metrics.registry.getSingleMetricAsString('callfleet_recordings_incomplete_uploads_removed_total'),
    ).toContain('driver="local",service="recording-pipeline"} 1');
  });
});
