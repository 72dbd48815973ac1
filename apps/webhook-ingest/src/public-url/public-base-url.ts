import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { WebhookIngestConfig } from '../webhook-ingest.config';

/** How providers reach this service: for the URLs we give out and for the URL a signature covers. */
@Injectable()
export class PublicBaseUrl {
  constructor(
    private readonly config: WebhookIngestConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The configured public base, or (dev and tests) the address this process listens on. */
  get(): string {
    if (this.config.WEBHOOK_PUBLIC_BASE_URL) return this.config.WEBHOOK_PUBLIC_BASE_URL;
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | null;
    const host = this.config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : this.config.HTTP_HOST;
    return `http://${host}:${address?.port ?? this.config.PORT ?? 3001}`;
  }

  /**
   * The URL the provider called, exactly (query included): providers sign it. The configured base
   * stands for scheme, host and port (required in production). Without it, request.protocol and
   * request.host, which believe X-Forwarded-Proto/-Host only from a trusted proxy (TRUSTED_PROXY_HOPS).
   */
  ofRequest(request: FastifyRequest): string {
    const base = this.config.WEBHOOK_PUBLIC_BASE_URL ?? `${request.protocol}://${request.host}`;
    return `${base}${request.url}`;
  }
}
