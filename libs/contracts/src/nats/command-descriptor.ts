/**
 * A command (request/reply on core NATS) written once, for both sides: the service answers it with
 * `@Command(descriptor)`, which validates the request against `request`, and callers send it with
 * `rpc.call(descriptor, dto)`, typed by `request` and `response`.
 */

/** A class of libs/contracts whose instances class-validator checks. */
export type DtoClass<T extends object = object> = new () => T;

/** The body of a command that takes none: `{}` (an empty message counts as `{}`); any field is refused. */
export type EmptyBody = Record<string, never>;

/** Marks a command without a request body (`request: NO_BODY`). */
export const NO_BODY = Object.freeze({ schema: 'EmptyRequest' as const });
export type NoBody = typeof NO_BODY;

/**
 * What a successful reply holds, for the type checker (`T`) and for the AsyncAPI check (`schema`,
 * the schema documenting it; `items` when the reply is `{items: T[]}`).
 */
export interface ReplySchema<T> {
  readonly schema: string;
  readonly items?: DtoClass;
  /** Never set: carries the reply's type. */
  readonly __reply?: T;
}

export interface CommandDescriptor<TRequest extends object = object, TResponse = unknown> {
  /** `<domain>.v1.<action>`, without the namespace. */
  readonly subject: string;
  readonly request: DtoClass<TRequest> | NoBody;
  readonly response: ReplySchema<TResponse>;
  /**
   * Reachable by other teams (the TEAMS account of the NATS plane) under its usual subject, with a
   * credential (API key or access token) in the `authorization` header instead of fleet identity
   * headers. Not set: only fleet services may send it.
   */
  readonly public?: boolean;
}

/** The request type of a descriptor (`EmptyBody` for NO_BODY commands). */
export type CommandRequest<C> = C extends CommandDescriptor<infer R, unknown> ? R : never;
/** The reply type of a descriptor. */
export type CommandResponse<C> = C extends CommandDescriptor<object, infer R> ? R : never;

/** A reply documented by an interface (no class to point at): `replyOf<JwksDto>('JwksDto')`. */
export function replyOf<T>(schema: string): ReplySchema<T> {
  return { schema };
}

/** A reply `{items: T[]}`. */
export function listOf<T extends object>(item: DtoClass<T>): ReplySchema<{ items: T[] }> {
  return { schema: `${item.name}List`, items: item };
}

function isReplySchema<T>(value: DtoClass<T & object> | ReplySchema<T>): value is ReplySchema<T> {
  return typeof value !== 'function';
}

export function defineCommand<TRequest extends object, TResponse>(spec: {
  subject: string;
  request: DtoClass<TRequest>;
  response: DtoClass<TResponse & object> | ReplySchema<TResponse>;
  public?: boolean;
}): CommandDescriptor<TRequest, TResponse>;
export function defineCommand<TResponse>(spec: {
  subject: string;
  request: NoBody;
  response: DtoClass<TResponse & object> | ReplySchema<TResponse>;
  public?: boolean;
}): CommandDescriptor<EmptyBody, TResponse>;
export function defineCommand(spec: {
  subject: string;
  request: DtoClass | NoBody;
  response: DtoClass | ReplySchema<unknown>;
  public?: boolean;
}): CommandDescriptor {
  const response = isReplySchema(spec.response) ? spec.response : { schema: spec.response.name };
  return Object.freeze({ subject: spec.subject, request: spec.request, response, public: spec.public === true });
}

export function hasNoBody(command: CommandDescriptor): boolean {
  return command.request === NO_BODY;
}
