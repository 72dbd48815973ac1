import { AuthSubjects, LoginDto, LogoutCommand, type OkDto, RefreshDto, type TokenPairDto } from '@callfleet/contracts';
import { currentUserId, NatsRpcContext } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { clientIp } from '../audit/audit.service';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsHandlers {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern(AuthSubjects.LOGIN)
  login(@Payload() dto: LoginDto, @Ctx() ctx: NatsRpcContext): Promise<TokenPairDto> {
    return this.sessions.login(dto, clientIp(ctx));
  }

  @MessagePattern(AuthSubjects.REFRESH)
  refresh(@Payload() dto: RefreshDto, @Ctx() ctx: NatsRpcContext): Promise<TokenPairDto> {
    return this.sessions.refresh(dto.refreshToken, clientIp(ctx));
  }

  @MessagePattern(AuthSubjects.LOGOUT)
  async logout(@Payload() command: LogoutCommand): Promise<OkDto> {
    await this.sessions.logout(command, currentUserId());
    return { ok: true };
  }
}
