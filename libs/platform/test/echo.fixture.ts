import { ErrorCode } from '@callfleet/contracts';
import { Controller, Logger, Module } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { IsInt, IsString, Min } from 'class-validator';
import { AppException, BaseServiceConfig, NatsRpcContext, RequestContext, type ServiceDefinition } from '../src';

export class EchoDto {
  @IsString()
  text: string;

  @IsInt()
  @Min(1)
  times: number;
}

/** A tiny service exercising the platform the way real features use it. */
@Controller()
export class EchoHandlers {
  private readonly logger = new Logger('Echo');

  @MessagePattern('echo.v1.repeat')
  repeat(@Payload() dto: EchoDto, @Ctx() ctx: NatsRpcContext) {
    return {
      text: dto.text.repeat(dto.times),
      subject: ctx.getSubject(),
      orgId: RequestContext.current()?.orgId ?? null,
      requestId: RequestContext.current()?.requestId,
    };
  }

  @MessagePattern('echo.v1.fail')
  fail(): never {
    throw new AppException(ErrorCode.STATE_CONFLICT, 'not now', { reason: 'testing' });
  }

  @MessagePattern('echo.v1.crash')
  crash(): never {
    throw new Error('secret internal detail');
  }

  /** Logs what it is given, as a careless feature might: the logger must still hide secrets. */
  @MessagePattern('echo.v1.log')
  log(@Payload() body: Record<string, unknown>) {
    this.logger.log({ ...body, msg: 'echo received' });
    return { logged: true };
  }

  @MessagePattern('echo.v1.slow')
  async slow(@Payload() body: { ms: number }) {
    // Tells a process test that the request is in flight, so it can send SIGTERM at that moment.
    this.logger.log('slow request started');
    await new Promise((r) => setTimeout(r, body.ms));
    return { done: true };
  }
}

@Module({ controllers: [EchoHandlers] })
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
};
