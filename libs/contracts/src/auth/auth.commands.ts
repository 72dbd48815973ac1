import { defineCommand, listOf, NO_BODY, replyOf } from '../nats/command-descriptor';
import {
  AcceptedDto,
  ApiKeyDto,
  type ApiKeyPrincipalDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  IdParamDto,
  InviteUserDto,
  type JwksDto,
  LoginDto,
  LogoutCommand,
  MeDto,
  OkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  RegisterDto,
  ResendVerificationDto,
  TokenPairDto,
  UserDto,
  VerifyApiKeyDto,
  VerifyEmailDto,
} from './auth.dto';

/**
 * The auth service's commands (queue group `auth`). Commands that act for a user need the fleet
 * identity headers (`x-user-id`, `x-org-id`, `x-roles`); the others are anonymous. `public` ones
 * other teams reach too, with an API key or access token (libs/contracts/src/nats/team-access.ts);
 * the credential routes (register, login, refresh, resets) stay the gateway's, which rate-limits them.
 */
export const AuthCommands = {
  Register: defineCommand({ subject: 'auth.v1.register', request: RegisterDto, response: TokenPairDto }),
  Login: defineCommand({ subject: 'auth.v1.login', request: LoginDto, response: TokenPairDto }),
  Refresh: defineCommand({ subject: 'auth.v1.refresh', request: RefreshDto, response: TokenPairDto }),
  Logout: defineCommand({ subject: 'auth.v1.logout', request: LogoutCommand, response: OkDto }),
  Me: defineCommand({ subject: 'auth.v1.me', request: NO_BODY, response: MeDto, public: true }),
  Jwks: defineCommand({ subject: 'auth.v1.jwks', request: NO_BODY, response: replyOf<JwksDto>('JwksDto') }),
  PasswordResetRequest: defineCommand({
    subject: 'auth.v1.password-reset.request',
    request: PasswordResetRequestDto,
    response: AcceptedDto,
  }),
  PasswordResetConfirm: defineCommand({
    subject: 'auth.v1.password-reset.confirm',
    request: PasswordResetConfirmDto,
    response: OkDto,
  }),
  VerifyEmail: defineCommand({ subject: 'auth.v1.verify-email', request: VerifyEmailDto, response: OkDto }),
  VerifyEmailResend: defineCommand({
    subject: 'auth.v1.verify-email.resend',
    request: ResendVerificationDto,
    response: AcceptedDto,
  }),
  ApiKeyCreate: defineCommand({
    subject: 'auth.v1.api-keys.create',
    request: CreateApiKeyDto,
    response: CreatedApiKeyDto,
  }),
  ApiKeyList: defineCommand({
    subject: 'auth.v1.api-keys.list',
    request: NO_BODY,
    response: listOf(ApiKeyDto),
    public: true,
  }),
  ApiKeyRevoke: defineCommand({ subject: 'auth.v1.api-keys.revoke', request: IdParamDto, response: OkDto }),
  /** Called by the gateway before it knows who the caller is: no identity headers needed. */
  ApiKeyVerify: defineCommand({
    subject: 'auth.v1.api-keys.verify',
    request: VerifyApiKeyDto,
    response: replyOf<ApiKeyPrincipalDto>('ApiKeyPrincipalDto'),
  }),
  UsersList: defineCommand({
    subject: 'auth.v1.users.list',
    request: NO_BODY,
    response: listOf(UserDto),
    public: true,
  }),
  UsersInvite: defineCommand({ subject: 'auth.v1.users.invite', request: InviteUserDto, response: UserDto }),
} as const;
