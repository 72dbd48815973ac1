import { AuthCommands, RegisterDto, type TokenPairDto } from '@callfleet/contracts';
import { Command, NatsRpcContext } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { clientIp } from '../audit/audit.service';
import { RegistrationService } from './registration.service';

@Controller()
export class RegistrationHandlers {
  constructor(private readonly registration: RegistrationService) {}

  @Command(AuthCommands.Register)
  register(@Payload() dto: RegisterDto, @Ctx() ctx: NatsRpcContext): Promise<TokenPairDto> {
    return this.registration.register(dto, clientIp(ctx));
  }
}
