import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, PlatformModule, type ServiceDefinition } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DOCS_JSON_PATH } from '../../apps/gateway/src/edge/http-policies';
import { gatewayService } from '../../apps/gateway/src/gateway.definition';

/**
 * The gateway's config as a laptop has it. A fixed environment, not process.env: the document must
 * not change with whoever runs the generator.
 */
const DOCS_ENV = { NODE_ENV: 'development' };

/**
 * The gateway's OpenAPI document exactly as it serves it at /api/docs-json. The app is created in
 * Nest's preview mode, which wires the module graph without creating any provider, so nothing
 * connects to NATS or needs auth; the gateway's own edge setup (global prefix, document builder,
 * Swagger routes) runs unchanged, so the document is described in one place only.
 */
export async function buildGatewayOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(gatewayService.name, gatewayService.config, DOCS_ENV);

  @Module({
    imports: [PlatformModule.forService(gatewayService as unknown as ServiceDefinition, config), gatewayService.module],
  })
  class GatewayDocsModule {}

  const app = await NestFactory.create<NestFastifyApplication>(GatewayDocsModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    await gatewayService.http?.configure?.(app, config);
    const fastify = app.getHttpAdapter().getInstance();
    await fastify.ready();
    const answer = await fastify.inject({ method: 'GET', url: `/${DOCS_JSON_PATH}` });
    if (answer.statusCode !== 200) {
      throw new Error(`GET /${DOCS_JSON_PATH} answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
    }
    return JSON.parse(answer.body) as OpenAPIObject;
  } finally {
    await app.close();
  }
}

/** Object keys sorted at every depth (arrays keep their order: it means something there). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
  );
}

/** The committed form: sorted keys, two-space indent, final newline, so a regenerated file diffs cleanly. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}

export const OPENAPI_DOCUMENT_FILE = join('docs', 'openapi.json');

async function main(): Promise<void> {
  // npm runs scripts from the repository root.
  const target = join(process.cwd(), OPENAPI_DOCUMENT_FILE);
  writeFileSync(target, serializeOpenApiDocument(await buildGatewayOpenApiDocument()));
  process.stdout.write(`wrote ${target}\n`);
}

if (require.main === module) {
  main().then(
    // The gateway's modules leave nothing running in preview mode, but a stray handle must not hang npm.
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`generate-openapi: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
