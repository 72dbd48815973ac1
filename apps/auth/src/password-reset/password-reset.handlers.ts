import {
  type AcceptedDto,
  AuthCommands,
  type OkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from '@callfleet/contracts';
import { Command, NatsRpcContext } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { clientIp } from '../audit/audit.service';
import { PasswordResetService } from './password-reset.service';

@Controller()
export class PasswordResetHandlers {
  constructor(private readonly passwordReset: PasswordResetService) {}

  @Command(AuthCommands.PasswordResetRequest)
  async request(@Payload() dto: PasswordResetRequestDto): Promise<AcceptedDto> {
    await this.passwordReset.request(dto);
    return { accepted: true };
  }

  @Command(AuthCommands.PasswordResetConfirm)
  async confirm(@Payload() dto: PasswordResetConfirmDto, @Ctx() ctx: NatsRpcContext): Promise<OkDto> {
    await this.passwordReset.confirm(dto, clientIp(ctx));
    return { ok: true };
  }
}
