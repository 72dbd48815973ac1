import { AuthSubjects, RegisterDto, type TokenPairDto } from '@callfleet/contracts';
import { NatsRpcContext } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { clientIp } from '../audit/audit.service';
import { RegistrationService } from './registration.service';

@Controller()
export class RegistrationHandlers {
  constructor(private readonly registration: RegistrationService) {}

  @MessagePattern(AuthSubjects.REGISTER)
  register(@Payload() dto: RegisterDto, @Ctx() ctx: NatsRpcContext): Promise<TokenPairDto> {
    return this.registration.register(dto, clientIp(ctx));
  }
}
