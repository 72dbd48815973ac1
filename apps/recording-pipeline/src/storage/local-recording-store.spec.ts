import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalRecordingStore } from './local-recording-store';
import { describeRecordingStoreBehaviour, failingBody, freshKey } from './recording-store.behaviour';
import { verifyObjectUrlSignature } from './signed-object-url';

const SECRET = 'test-url-secret';

describe('the local recording store (a real temp folder)', () => {
  let root: string;
  let store: LocalRecordingStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'recordings-'));
    store = new LocalRecordingStore({
      root,
      urlBase: 'http://gateway.test/api/v1/recording-objects',
      urlSecret: SECRET,
    });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  describeRecordingStoreBehaviour(() => store, { largeBytes: 12 * 1024 * 1024 });

  /** Every file under the folder, relative to it. */
  async function files(): Promise<string[]> {
    return (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
  }

  it('keeps objects at their key under the folder, and no partial file after a failed put', async () => {
    const key = freshKey();
    await store.put(key, Readable.from([Buffer.from('RIFF')]), { contentType: 'audio/wav' });
    await store
      .put(freshKey(), failingBody(Buffer.alloc(300_000)), { contentType: 'audio/wav' })
      .catch(() => undefined);
    const all = await files();
    expect(all).toContain(key);
    expect(all.filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('removes partial files a crash left behind, only once they are old enough', async () => {
    const key = freshKey();
    await store.put(key, Readable.from([Buffer.from('RIFF')]), { contentType: 'audio/wav' });
    const dir = join(root, ...key.split('/').slice(0, -1));
    const leftover = join(dir, `.${key.split('/').at(-1)}.crashed.partial`);
    await writeFile(leftover, 'half a recording');
    expect(await store.cleanupIncomplete(60_000)).toBe(0);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(leftover, anHourAgo, anHourAgo);
    expect(await store.cleanupIncomplete(60_000)).toBe(1);
    expect((await files()).some((f) => f.endsWith('.partial'))).toBe(false);
    expect(await store.head(key)).not.toBeNull();
  });

  it('signs URLs the gateway can check, which expire when they say', async () => {
    const key = freshKey();
    const { url, expiresAt } = await store.presignGet(key, 60);
    const parsed = new URL(url);
    const query = Object.fromEntries(parsed.searchParams);
    expect(decodeURIComponent(parsed.pathname)).toBe(`/api/v1/recording-objects/${key}`);
    expect(verifyObjectUrlSignature(key, query, SECRET, Date.now())).toBe('valid');
    expect(verifyObjectUrlSignature(key, query, SECRET, Date.parse(expiresAt))).toBe('expired');
    expect(verifyObjectUrlSignature(freshKey(), query, SECRET, Date.now())).toBe('bad-signature');
    expect(
      verifyObjectUrlSignature(key, { ...query, expires: String(Number(query.expires) + 3600) }, SECRET, Date.now()),
    ).toBe('bad-signature');
  });

  it('refuses keys that would leave the folder', async () => {
    await expect(store.put('org/../../etc/x.wav', Readable.from([]), { contentType: 'audio/wav' })).rejects.toThrow(
      'not an object key',
    );
    await expect(store.head('/etc/passwd')).rejects.toThrow('not an object key');
  });

  it('is not ready when the folder cannot be written', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, '');
    const broken = new LocalRecordingStore({ root: join(file, 'recordings'), urlBase: 'http://x', urlSecret: SECRET });
    await expect(broken.check()).rejects.toThrow();
  });
});
