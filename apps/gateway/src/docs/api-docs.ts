import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DOCS_JSON_PATH, DOCS_PATH } from '../edge/http-policies';
import { ErrorEnvelopeDto } from './api-responses';

/** Swagger UI at /api/docs, the OpenAPI document at /api/docs-json. */
export function setupApiDocs(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Callfleet API')
    .setDescription(
      'Automated calling: hunts, calls, recordings. Errors always use the envelope ' +
        '`{error, code, requestId, timestamp, details?}`; clients switch on `code`. ' +
        'Rate-limited answers carry X-RateLimit-Limit / -Remaining / -Reset (epoch seconds).',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Access token from /auth/login',
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'cf_… key from /api-keys' }, 'api-key')
    .addTag('auth', 'Accounts, sessions and tokens')
    .addTag('users', 'Members of your organization')
    .addTag('api-keys', 'Machine credentials')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorEnvelopeDto] });
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH, customSiteTitle: 'Callfleet API' });
}
