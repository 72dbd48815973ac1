import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Every body is kept as the exact bytes received: signatures cover bytes (Twilio's form, Standard
 * Webhooks' JSON), and a parsed-then-reserialized body would not verify. The telephony parsers read
 * the bytes by content type and refuse types they do not take (415).
 */
export function keepRawBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const adapter = app.getHttpAdapter() as unknown as FastifyAdapter;
  adapter.useBodyParser(
    ['application/json', 'application/x-www-form-urlencoded', 'text/plain', '*'],
    false,
    { bodyLimit },
    (_request: unknown, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => done(null, body),
  );
}
