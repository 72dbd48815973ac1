import { AuthCommands, LoginDto, LogoutCommand, type OkDto, RefreshDto, type TokenPairDto } from '@callfleet/contracts';
import { Caller, Command, NatsRpcContext, type UserCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { clientIp } from '../audit/audit.service';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsHandlers {
  constructor(private readonly sessions: SessionsService) {}

  @Command(AuthCommands.Login)
  login(@Payload() dto: LoginDto, @Ctx() ctx: NatsRpcContext): Promise<TokenPairDto> {
    return this.sessions.login(dto, clientIp(ctx));
  }

  @Command(AuthCommands.Refresh)
  refresh(@Payload() dto: RefreshDto, @Ctx() ctx: NatsRpcContext): Promise<TokenPairDto> {
    return this.sessions.refresh(dto.refreshToken, clientIp(ctx));
  }

  /** Logging out needs a user only: the token's family is the user's whatever the organization. */
  @Command(AuthCommands.Logout)
  async logout(@Payload() command: LogoutCommand, @Caller('user') caller: UserCaller): Promise<OkDto> {
    await this.sessions.logout(command, caller.userId);
    return { ok: true };
  }
}
