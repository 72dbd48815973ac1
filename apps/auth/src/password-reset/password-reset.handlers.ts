import {
  type AcceptedDto,
  AuthSubjects,
  type OkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from '@callfleet/contracts';
import { NatsRpcContext } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { clientIp } from '../audit/audit.service';
import { PasswordResetService } from './password-reset.service';

@Controller()
export class PasswordResetHandlers {
  constructor(private readonly passwordReset: PasswordResetService) {}

  @MessagePattern(AuthSubjects.PASSWORD_RESET_REQUEST)
  async request(@Payload() dto: PasswordResetRequestDto): Promise<AcceptedDto> {
    await this.passwordReset.request(dto);
    return { accepted: true };
  }

  @MessagePattern(AuthSubjects.PASSWORD_RESET_CONFIRM)
  async confirm(@Payload() dto: PasswordResetConfirmDto, @Ctx() ctx: NatsRpcContext): Promise<OkDto> {
    await this.passwordReset.confirm(dto, clientIp(ctx));
    return { ok: true };
  }
}
