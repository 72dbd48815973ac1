import {
  type AcceptedDto,
  AuthCommands,
  type OkDto,
  ResendVerificationDto,
  VerifyEmailDto,
} from '@callfleet/contracts';
import { Command } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EmailVerificationService } from './email-verification.service';

@Controller()
export class EmailVerificationHandlers {
  constructor(private readonly emailVerification: EmailVerificationService) {}

  @Command(AuthCommands.VerifyEmail)
  async verify(@Payload() dto: VerifyEmailDto): Promise<OkDto> {
    await this.emailVerification.verify(dto);
    return { ok: true };
  }

  @Command(AuthCommands.VerifyEmailResend)
  async resend(@Payload() dto: ResendVerificationDto): Promise<AcceptedDto> {
    await this.emailVerification.resend(dto);
    return { accepted: true };
  }
}
