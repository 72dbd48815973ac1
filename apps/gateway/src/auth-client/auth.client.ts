import {
  AcceptedDto,
  type ApiKeyDto,
  type ApiKeyPrincipalDto,
  AuthSubjects,
  CreateApiKeyDto,
  type CreatedApiKeyDto,
  FleetHeader,
  IdParamDto,
  InviteUserDto,
  type JwksDto,
  type ListDto,
  LoginDto,
  type LogoutCommand,
  type MeDto,
  type OkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  RegisterDto,
  ResendVerificationDto,
  type TokenPairDto,
  type UserDto,
  VerifyApiKeyDto,
  VerifyEmailDto,
} from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';

/**
 * The auth service as the gateway sees it: one typed method per AuthSubjects entry. The caller's
 * identity travels in the fleet headers NatsRpcClient copies from the RequestContext.
 */
@Injectable()
export class AuthClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  register(dto: RegisterDto, clientIp: string): Promise<TokenPairDto> {
    return this.rpc.request(AuthSubjects.REGISTER, dto, { headers: { [FleetHeader.CLIENT_IP]: clientIp } });
  }

  login(dto: LoginDto, clientIp: string): Promise<TokenPairDto> {
    return this.rpc.request(AuthSubjects.LOGIN, dto, { headers: { [FleetHeader.CLIENT_IP]: clientIp } });
  }

  refresh(dto: RefreshDto, clientIp: string): Promise<TokenPairDto> {
    return this.rpc.request(AuthSubjects.REFRESH, dto, { headers: { [FleetHeader.CLIENT_IP]: clientIp } });
  }

  logout(command: LogoutCommand): Promise<OkDto> {
    return this.rpc.request(AuthSubjects.LOGOUT, command);
  }

  me(): Promise<MeDto> {
    return this.rpc.request(AuthSubjects.ME, {});
  }

  jwks(): Promise<JwksDto> {
    return this.rpc.request(AuthSubjects.JWKS, {});
  }

  requestPasswordReset(dto: PasswordResetRequestDto): Promise<AcceptedDto> {
    return this.rpc.request(AuthSubjects.PASSWORD_RESET_REQUEST, dto);
  }

  confirmPasswordReset(dto: PasswordResetConfirmDto, clientIp: string): Promise<OkDto> {
    return this.rpc.request(AuthSubjects.PASSWORD_RESET_CONFIRM, dto, {
      headers: { [FleetHeader.CLIENT_IP]: clientIp },
    });
  }

  verifyEmail(dto: VerifyEmailDto): Promise<OkDto> {
    return this.rpc.request(AuthSubjects.VERIFY_EMAIL, dto);
  }

  resendVerification(dto: ResendVerificationDto): Promise<AcceptedDto> {
    return this.rpc.request(AuthSubjects.VERIFY_EMAIL_RESEND, dto);
  }

  createApiKey(dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.rpc.request(AuthSubjects.API_KEY_CREATE, dto);
  }

  listApiKeys(): Promise<ListDto<ApiKeyDto>> {
    return this.rpc.request(AuthSubjects.API_KEY_LIST, {});
  }

  revokeApiKey(dto: IdParamDto): Promise<OkDto> {
    return this.rpc.request(AuthSubjects.API_KEY_REVOKE, dto);
  }

  verifyApiKey(dto: VerifyApiKeyDto): Promise<ApiKeyPrincipalDto> {
    return this.rpc.request(AuthSubjects.API_KEY_VERIFY, dto);
  }

  listUsers(): Promise<ListDto<UserDto>> {
    return this.rpc.request(AuthSubjects.USERS_LIST, {});
  }

  inviteUser(dto: InviteUserDto): Promise<UserDto> {
    return this.rpc.request(AuthSubjects.USERS_INVITE, dto);
  }
}
