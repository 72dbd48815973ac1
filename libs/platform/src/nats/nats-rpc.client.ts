import {
  type CommandDescriptor,
  type ErrorBody,
  ErrorCode,
  isErrorCode,
  NATS_SERVICE_ERROR_CODE,
} from '@callfleet/contracts';
import type { Msg } from '@nats-io/transport-node';
import { RequestContext } from '../context/request-context';
import { AppException } from '../errors/app.exception';
import type { NatsConnectionService } from './nats-connection.service';
import { contextHeaders, decodeJson, encodeJson } from './nats-wire';
import { ReplyFailure } from './reply-mux';

export interface RpcRequestOptions {
  /** Overrides the service's NATS_REQUEST_TIMEOUT_MS. Every request has a timeout. */
  timeoutMs?: number;
  /** Extra headers; the current request context (request id, org, user, roles) is always copied. */
  headers?: Record<string, string>;
}

/** Sends commands of libs/contracts with the plain wire format. Errors come back as AppException with their code. */
export class NatsRpcClient {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly defaultTimeoutMs: number,
  ) {}

  /**
   * Sends a command of libs/contracts and answers its reply, typed by the descriptor:
   * `rpc.call(AuthCommands.Login, dto, { headers })`. A service error comes back as AppException.
   */
  call<TRequest extends object, TResponse>(
    command: CommandDescriptor<TRequest, TResponse>,
    dto: TRequest,
    options: RpcRequestOptions = {},
  ): Promise<TResponse> {
    return this.request<TResponse>(command.subject, dto, options);
  }

  // Private: a call names a descriptor, so no caller sends an untyped body or casts a reply.
  private async request<TResult>(subject: string, body: unknown, options: RpcRequestOptions = {}): Promise<TResult> {
    const { replies, ns } = this.nats;
    this.nats.declared.assertCalls(subject);
    let reply: Msg;
    try {
      reply = await replies.request(ns.subject(subject), encodeJson(body), {
        timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
        headers: contextHeaders(RequestContext.current(), options.headers),
      });
    } catch (error) {
      throw NatsRpcClient.transportError(subject, error);
    }
    let decoded: unknown;
    try {
      decoded = decodeJson(reply.data);
    } catch {
      throw new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, `Invalid reply from ${subject}`);
    }
    if (reply.headers?.get(NATS_SERVICE_ERROR_CODE)) {
      const err = decoded as Partial<ErrorBody>;
      const code = isErrorCode(err.code) ? err.code : ErrorCode.INTERNAL_ERROR;
      throw new AppException(code, err.message ?? 'Request failed', err.details);
    }
    return decoded as TResult;
  }

  private static transportError(subject: string, error: unknown): AppException {
    if (error instanceof ReplyFailure && error.reason === 'timeout') {
      return new AppException(ErrorCode.TIMEOUT, `No answer from ${subject} in time`);
    }
    if (error instanceof ReplyFailure && error.reason === 'no-responders') {
      return new AppException(ErrorCode.SERVICE_UNAVAILABLE, `No service answers ${subject}`);
    }
    return new AppException(ErrorCode.SERVICE_UNAVAILABLE, `Messaging unavailable for ${subject}`);
  }
}
