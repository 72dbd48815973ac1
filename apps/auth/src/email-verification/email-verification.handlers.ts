import {
  type AcceptedDto,
  AuthSubjects,
  type OkDto,
  ResendVerificationDto,
  VerifyEmailDto,
} from '@callfleet/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EmailVerificationService } from './email-verification.service';

@Controller()
export class EmailVerificationHandlers {
  constructor(private readonly emailVerification: EmailVerificationService) {}

  @MessagePattern(AuthSubjects.VERIFY_EMAIL)
  async verify(@Payload() dto: VerifyEmailDto): Promise<OkDto> {
    await this.emailVerification.verify(dto);
    return { ok: true };
  }

  @MessagePattern(AuthSubjects.VERIFY_EMAIL_RESEND)
  async resend(@Payload() dto: ResendVerificationDto): Promise<AcceptedDto> {
    await this.emailVerification.resend(dto);
    return { accepted: true };
  }
}
