import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthCommands, ErrorCode, type TokenPairDto } from '@callfleet/contracts';
import {
  StreamTokenError,
  StreamTokenIssuer,
  StreamTokenIssuerModule,
  StreamTokenVerifier,
  StreamTokenVerifierModule,
} from '@callfleet/platform';
import { plainNatsClient, startTestService, TestDatabase, testNamespace } from '@callfleet/testing';
import { Module } from '@nestjs/common';
import { decodeProtectedHeader } from 'jose';
import { callOrchestratorService } from '../../call-orchestrator/src/call-orchestrator.definition';
import { mediaStreamService } from '../../media-stream/src/media-stream.definition';
import { authService } from '../src/auth.definition';
import { generateSigningKey } from '../src/tokens/signing-keys';
import { GOOD_PASSWORD, uniqueEmail } from './auth-harness';

@Module({ imports: [StreamTokenIssuerModule] })
class OrchestratorSide {}

@Module({ imports: [StreamTokenVerifierModule] })
class MediaStreamSide {}

/**
 * The orchestrator and media-stream sides as their services will hold them (their own definitions'
 * NATS declarations, so an undeclared call fails as it would in production), with only the stream-token
 * modules in them; the orchestrator's database is not needed for this.
 */
const orchestrator = { ...callOrchestratorService, schema: undefined, module: OrchestratorSide };
const mediaStream: typeof mediaStreamService = {
  ...mediaStreamService,
  module: MediaStreamSide,
  // Without the door: its WebSocket routes need the service's own module.
  http: undefined,
  nats: { ...mediaStreamService.nats, calls: [...(mediaStreamService.nats?.calls ?? []), AuthCommands.Jwks] },
};

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';

/** auth issues stream tokens on NATS; media-stream, another Nest context, verifies them with auth's published keys. */
describe('stream tokens: issued by auth, verified by media-stream (real NATS and PostgreSQL)', () => {
  const namespace = testNamespace();
  let db: TestDatabase;
  let keysDir: string;
  let auth: Awaited<ReturnType<typeof startTestService>> | undefined;
  let orchestratorService: Awaited<ReturnType<typeof startTestService>>;
  let mediaStreamServiceRunning: Awaited<ReturnType<typeof startTestService>>;
  let issuer: StreamTokenIssuer;
  let verifier: StreamTokenVerifier;

  const startAuth = async () => {
    auth = await startTestService(authService, { namespace, databaseUrl: db.url, env: { JWT_KEYS_DIR: keysDir } });
  };
  const refusal = (token: string | undefined) =>
    verifier.verify(token).then(
      () => 'accepted',
      (error: unknown) => (error instanceof StreamTokenError ? error.reason : error),
    );

  beforeAll(async () => {
    db = await TestDatabase.create();
    keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    await startAuth();
    orchestratorService = await startTestService(orchestrator, { namespace });
    mediaStreamServiceRunning = await startTestService(mediaStream, { namespace });
    issuer = orchestratorService.app.get(StreamTokenIssuer);
    verifier = mediaStreamServiceRunning.app.get(StreamTokenVerifier);
  });

  afterAll(async () => {
    await mediaStreamServiceRunning?.close();
    await orchestratorService?.close();
    await auth?.close();
    await db?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('a token issued for call A verifies as call A of its organization, provider and line', async () => {
    const { token, expiresAt } = await issuer.issue({
      callId: 'CA-call-a',
      orgId: ORG,
      provider: 'twilio',
      line: 'target-42',
    });
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ callId: 'CA-call-a', orgId: ORG, provider: 'twilio', line: 'target-42' });
    expect(claims.expiresAt * 1000).toBe(Date.parse(expiresAt));
    // media-stream compares it with the stream's call: a token for A never opens call B's stream.
    expect(claims.callId).not.toBe('CA-call-b');
  });

  it('auth refuses a request of the wrong shape, naming the problem', async () => {
    const bad = (dto: object) => issuer.issue({ callId: 'CA-1', orgId: ORG, provider: 'exotel', ...dto });
    for (const dto of [{ ttlSeconds: 3600 }, { callId: 'no spaces allowed' }, { orgId: 'acme' }, { provider: 'sip' }]) {
      await expect(bad(dto)).rejects.toMatchObject({ code: ErrorCode.VALIDATION_ERROR });
    }
  });

  it('an access token auth signed with the same key is refused as a token for another audience', async () => {
    const nc = await plainNatsClient();
    try {
      const reply = await nc.request(
        `${namespace}.${AuthCommands.Register.subject}`,
        JSON.stringify({
          email: uniqueEmail('stream'),
          password: GOOD_PASSWORD,
          name: 'Ada Lovelace',
          organizationName: 'Analytical Engines',
        }),
        { timeout: 5_000 },
      );
      const { accessToken } = reply.json<TokenPairDto>();
      expect(await refusal(accessToken)).toBe('wrong-audience');
    } finally {
      await nc.close();
    }
    expect(await refusal(undefined)).toBe('missing');
    expect(await refusal('garbage')).toBe('malformed');
  });

  it('after auth rotates in a new key, media-stream fetches the key set again and accepts its tokens', async () => {
    // Media-stream has the old key set loaded; auth restarts with a newer key it signs with.
    await verifier.verify((await issuer.issue({ callId: 'CA-before', orgId: ORG, provider: 'twilio' })).token);
    await auth?.close();
    auth = undefined;
    const newKey = generateSigningKey(keysDir, new Date(Date.now() + 60_000));
    await startAuth();

    const { token } = await issuer.issue({ callId: 'CA-after', orgId: ORG, provider: 'exotel' });
    expect(decodeProtectedHeader(token).kid).toBe(newKey.kid);
    expect(await verifier.verify(token)).toMatchObject({ callId: 'CA-after', provider: 'exotel' });
  });
});
