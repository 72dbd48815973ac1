import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** Where s3rver keeps a bucket's incomplete multipart uploads: one folder per upload id. */
const UPLOADS_DIR = '._S3rver_uploads';

export interface TestS3Config {
  endpoint: string;
  region: string;
  bucket: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface IncompleteUpload {
  key: string;
  uploadId: string;
  initiated: Date;
  /** Parts s3rver has received whole (it writes a part's `.md5` once the part is in). */
  parts: number;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/**
 * An S3-compatible server (s3rver) on a free loopback port, its data in a temp folder, with one
 * bucket. It checks SigV4 signatures and presigned-URL expiry, and speaks multipart upload, ranges
 * and tagging. Two calls s3rver lacks are answered here from its own upload folders:
 * ListMultipartUploads (s3rver: NotImplemented) and AbortMultipartUpload (s3rver: 405), without
 * which "no incomplete upload is left" could not be tested. It neither checks nor returns
 * x-amz-checksum-* values, so the store's read-back verification falls back to sizes here; the
 * SHA-256 sent with each part is recorded (partChecksums) for tests to check.
 * stop() and resume() take it away and bring it back on the same port with the same data.
 */
export class TestS3Server {
  private server?: Server;
  /** x-amz-checksum-sha256 of each uploaded part, by key then part number (s3rver itself ignores them). */
  readonly partChecksums = new Map<string, Map<number, string>>();
  private readonly directory = mkdtempSync(join(tmpdir(), 'callfleet-s3-'));

  private constructor(
    readonly port: number,
    readonly bucket: string,
  ) {}

  static async start(bucket = 'recordings'): Promise<TestS3Server> {
    const server = new TestS3Server(await freePort(), bucket);
    await server.resume();
    return server;
  }

  get config(): TestS3Config {
    return {
      endpoint: `http://127.0.0.1:${this.port}`,
      region: 'us-east-1',
      bucket: this.bucket,
      forcePathStyle: true,
      // s3rver's fixed credentials; it verifies signatures made with them.
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
  }

  async resume(): Promise<void> {
    // Loaded here, not at the top: every test importing @callfleet/testing would load Koa and winston.
    const { default: S3rver } = await import('s3rver');
    const s3rver = new S3rver({
      silent: true,
      directory: this.directory,
      vhostBuckets: false,
      configureBuckets: [{ name: this.bucket }],
    });
    await s3rver.configureBuckets();
    const handle = s3rver.callback();
    const server = createServer((req, res) => {
      this.answerMissingCall(req, res).then(
        (answered) => answered || handle(req, res),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** The server goes away (connections refused) until resume(). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** Multipart uploads begun and neither completed nor aborted. */
  async incompleteUploads(): Promise<IncompleteUpload[]> {
    const root = join(this.directory, this.bucket, UPLOADS_DIR);
    if (!existsSync(root)) return [];
    const uploads: IncompleteUpload[] = [];
    for (const uploadId of await readdir(root)) {
      const dir = join(root, uploadId);
      const key = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined);
      if (key === undefined) continue;
      const parts = (await readdir(dir)).filter((name) => /^\d+\.md5$/.test(name)).length;
      uploads.push({ key, uploadId, initiated: (await stat(dir)).birthtime, parts });
    }
    return uploads;
  }

  private async answerMissingCall(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://s3.test');
    const [bucket, ...keyParts] = url.pathname.slice(1).split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    if (bucket !== this.bucket) return false;
    const partNumber = Number(url.searchParams.get('partNumber'));
    const checksum = req.headers['x-amz-checksum-sha256'];
    if (req.method === 'PUT' && key && partNumber && typeof checksum === 'string') {
      if (!this.partChecksums.has(key)) this.partChecksums.set(key, new Map());
      this.partChecksums.get(key)?.set(partNumber, checksum);
    }
    if (req.method === 'GET' && !key && url.searchParams.has('uploads')) {
      const prefix = url.searchParams.get('prefix') ?? '';
      const uploads = (await this.incompleteUploads()).filter((u) => u.key.startsWith(prefix));
      const entries = uploads
        .map(
          (u) =>
            `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.uploadId}</UploadId>` +
            `<Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
        )
        .join('');
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
            `<Bucket>${this.bucket}</Bucket><Prefix>${escapeXml(prefix)}</Prefix><MaxUploads>1000</MaxUploads>` +
            `<IsTruncated>false</IsTruncated>${entries}</ListMultipartUploadsResult>`,
        );
      return true;
    }
    const uploadId = url.searchParams.get('uploadId');
    if (req.method === 'DELETE' && key && uploadId) {
      const dir = join(this.directory, this.bucket, UPLOADS_DIR, uploadId.replace(/[^a-f0-9]/g, ''));
      if (!existsSync(dir)) {
        res
          .writeHead(404, { 'content-type': 'application/xml' })
          .end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>',
          );
      } else {
        await rm(dir, { recursive: true, force: true });
        res.writeHead(204).end();
      }
      req.resume();
      return true;
    }
    return false;
  }
}
