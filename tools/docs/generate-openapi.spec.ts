import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@callfleet/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import {
  buildGatewayOpenApiDocument,
  OPENAPI_DOCUMENT_FILE,
  serializeOpenApiDocument,
  sortKeysDeep,
} from './generate-openapi';

const COMMITTED = join(__dirname, '..', '..', OPENAPI_DOCUMENT_FILE);

/** Every route of the gateway's auth controller, as clients call it. */
const AUTH_ROUTES = [
  ['post', '/api/v1/auth/register'],
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/refresh'],
  ['post', '/api/v1/auth/logout'],
  ['get', '/api/v1/auth/me'],
  ['post', '/api/v1/auth/password-reset/request'],
  ['post', '/api/v1/auth/password-reset/confirm'],
  ['post', '/api/v1/auth/verify-email'],
  ['post', '/api/v1/auth/verify-email/resend'],
] as const;

const ERROR_ENVELOPE_REF = '#/components/schemas/ErrorEnvelopeDto';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

let generated: OpenAPIObject;

beforeAll(async () => {
  generated = await buildGatewayOpenApiDocument();
});

describe('docs/openapi.json', () => {
  it('is what the gateway serves today (run `npm run docs:openapi` after changing the API)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(serializeOpenApiDocument(generated));
  });

  it.each(AUTH_ROUTES)('documents %s %s with the error envelope on its error answers', (method, path) => {
    const operation = (generated.paths[path] as Record<string, Operation> | undefined)?.[method];
    expect(operation).toBeDefined();
    const errorStatuses = Object.keys(operation?.responses ?? {}).filter((status) => Number(status) >= 400);
    // Every route documents at least the common answers (400, 413, 415, 429, 503).
    expect(errorStatuses).toEqual(expect.arrayContaining(['400', '413', '415', '429', '503']));
    for (const status of errorStatuses) {
      expect(operation?.responses[status].content?.['application/json']?.schema?.$ref).toBe(ERROR_ENVELOPE_REF);
    }
  });

  it('describes the error envelope with the closed list of codes', () => {
    const envelope = generated.components?.schemas?.ErrorEnvelopeDto as {
      required: string[];
      properties: { code: { enum: string[] } };
    };
    expect([...envelope.required].sort()).toEqual(['code', 'error', 'requestId', 'timestamp']);
    expect([...envelope.properties.code.enum].sort()).toEqual(Object.values(ErrorCode).sort());
  });
});

describe('sortKeysDeep', () => {
  it('sorts keys at every depth and keeps arrays in order', () => {
    const sorted = sortKeysDeep({ b: 1, a: { d: [{ z: 1, y: 2 }, 'x'], c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1},"x"]},"b":1}');
  });
});
