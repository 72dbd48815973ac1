import { defineCommand, ErrorCode, NO_BODY, replyOf } from '@callfleet/contracts';
import { Body, Controller, Get, HttpCode, Logger, Module, Post, Req } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsInt, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import {
  AppException,
  BaseServiceConfig,
  Caller,
  Command,
  NatsRpcContext,
  RequestContext,
  type ServiceDefinition,
} from '../src';

export class EchoDto {
  @IsString()
  text: string;

  @IsInt()
  @Min(1)
  times: number;
}

/** What a careless feature might log: the logger must still hide the secrets in it. */
export class LogDto {
  @IsOptional()
  @IsString()
  note?: string;

  @IsOptional()
  @IsString()
  password?: string;

  @IsOptional()
  @IsString()
  refreshToken?: string;

  @IsOptional()
  @IsObject()
  headers?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  user?: Record<string, unknown>;
}

export class SlowDto {
  @IsInt()
  @Min(0)
  @Max(10_000)
  ms: number;
}

export interface EchoReply {
  text: string;
  subject: string;
  orgId: string | null;
  requestId: string | undefined;
}

/** The test service's commands, declared the way libs/contracts declares the fleet's. */
export const EchoCommands = {
  Repeat: defineCommand({ subject: 'echo.v1.repeat', request: EchoDto, response: replyOf<EchoReply>('EchoReply') }),
  WhoAmI: defineCommand({ subject: 'echo.v1.whoami', request: NO_BODY, response: replyOf<Caller>('Caller') }),
  Fail: defineCommand({ subject: 'echo.v1.fail', request: NO_BODY, response: replyOf<never>('Never') }),
  Crash: defineCommand({ subject: 'echo.v1.crash', request: NO_BODY, response: replyOf<never>('Never') }),
  Log: defineCommand({ subject: 'echo.v1.log', request: LogDto, response: replyOf<{ logged: true }>('Logged') }),
  Slow: defineCommand({ subject: 'echo.v1.slow', request: SlowDto, response: replyOf<{ done: true }>('Done') }),
} as const;

/** A command nobody answers (for "no responders"). */
export const UnansweredCommand = defineCommand({
  subject: 'nobody.v1.home',
  request: NO_BODY,
  response: replyOf<never>('Never'),
});

/** A tiny service exercising the platform the way real features use it. */
@Controller()
export class EchoHandlers {
  private readonly logger = new Logger('Echo');

  @Command(EchoCommands.Repeat)
  repeat(@Payload() dto: EchoDto, @Ctx() ctx: NatsRpcContext): EchoReply {
    return {
      text: dto.text.repeat(dto.times),
      subject: ctx.getSubject(),
      orgId: RequestContext.current()?.orgId ?? null,
      requestId: RequestContext.current()?.requestId,
    };
  }

  @Command(EchoCommands.WhoAmI)
  whoAmI(@Caller() caller: Caller): Caller {
    return caller;
  }

  @Command(EchoCommands.Fail)
  fail(): never {
    throw new AppException(ErrorCode.STATE_CONFLICT, 'not now', { reason: 'testing' });
  }

  @Command(EchoCommands.Crash)
  crash(): never {
    throw new Error('secret internal detail');
  }

  @Command(EchoCommands.Log)
  log(@Payload() body: LogDto) {
    this.logger.log({ ...body, msg: 'echo received' });
    return { logged: true as const };
  }

  @Command(EchoCommands.Slow)
  async slow(@Payload() body: SlowDto) {
    // Tells a process test that the request is in flight, so it can send SIGTERM at that moment.
    this.logger.log('slow request started');
    await new Promise((r) => setTimeout(r, body.ms));
    return { done: true as const };
  }
}

/** HTTP routes for the edge tests: a body to send (and be refused), and what the service sees of the caller. */
@Controller('echo')
export class EchoHttpController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return { received: body };
  }

  /** Where the request came from, as everything in the fleet reads it (rate-limit keys, signed URLs). */
  @Get('origin')
  origin(@Req() request: FastifyRequest) {
    return { ip: request.ip, protocol: request.protocol, host: request.host };
  }
}

@Module({ controllers: [EchoHandlers, EchoHttpController] })
export class EchoModule {}

export class EchoConfig extends BaseServiceConfig {}

export const echoService: ServiceDefinition<EchoConfig> = {
  // Borrows a fleet name: discovery names are a closed list.
  name: 'media-stream',
  description: 'platform test service',
  // Any free port: tests read the bound one from the running service.
  port: 0,
  module: EchoModule,
  config: EchoConfig,
  // It also calls its own commands, and one nobody answers (the typed client's tests).
  nats: { serves: Object.values(EchoCommands), calls: [...Object.values(EchoCommands), UnansweredCommand] },
};
