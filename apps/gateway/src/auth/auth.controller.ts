import {
  AcceptedDto,
  AuthCommands,
  ErrorCode,
  FleetHeader,
  LoginDto,
  LogoutDto,
  MeDto,
  OkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  RegisterDto,
  ResendVerificationDto,
  TokenPairDto,
  VerifyEmailDto,
} from '@callfleet/contracts';
import { AppException, NatsRpcClient, type Principal, Revocations, type RpcRequestOptions } from '@callfleet/platform';
import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../access-control/access.decorators';
import { CurrentPrincipal } from '../access-control/current-principal.decorator';
import { ApiErrors } from '../docs/api-responses';
import { RateLimit, RateLimitPolicy } from '../rate-limit/rate-limit.policies';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly revocations: Revocations,
  ) {}

  /** Auth audits sign-ins and password changes with the end user's address. */
  private fromClient(request: FastifyRequest): RpcRequestOptions {
    return { headers: { [FleetHeader.CLIENT_IP]: request.ip } };
  }

  @Post('register')
  @Public()
  @RateLimit(RateLimitPolicy.REGISTER)
  @ApiOperation({ summary: 'Create an organization and its owner; returns a token pair' })
  @ApiResponse({ status: 201, type: TokenPairDto })
  @ApiErrors(409)
  register(@Body() dto: RegisterDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.rpc.call(AuthCommands.Register, dto, this.fromClient(request));
  }

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @RateLimit(RateLimitPolicy.LOGIN)
  @ApiOperation({ summary: 'Exchange email and password for a token pair' })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiErrors(401)
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.rpc.call(AuthCommands.Login, dto, this.fromClient(request));
  }

  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @RateLimit(RateLimitPolicy.REFRESH)
  @ApiOperation({
    summary: 'Rotate a refresh token into a new token pair',
    description: 'A refresh token works once. Presenting a used one revokes its whole family.',
  })
  @ApiResponse({ status: 200, type: TokenPairDto })
  @ApiErrors(401)
  refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.rpc.call(AuthCommands.Refresh, dto, this.fromClient(request));
  }

  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the presented access token (and the refresh token family, if given)' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401)
  async logout(@Body() dto: LogoutDto, @CurrentPrincipal() principal: Principal): Promise<OkDto> {
    if (principal.kind !== 'user') {
      throw new AppException(ErrorCode.BAD_REQUEST, 'API keys do not log out; revoke the key instead');
    }
    const result = await this.rpc.call(AuthCommands.Logout, {
      jti: principal.jti,
      exp: principal.exp,
      refreshToken: dto.refreshToken,
    });
    // Refused here from now on; other replicas learn it from the KV bucket auth just wrote.
    this.revocations.addToken(principal.jti, principal.exp);
    return result;
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiSecurity('api-key')
  @ApiOperation({ summary: 'The caller: user, organization and roles' })
  @ApiResponse({ status: 200, type: MeDto })
  @ApiErrors(401)
  me(): Promise<MeDto> {
    return this.rpc.call(AuthCommands.Me, {});
  }

  @Post('password-reset/request')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimit(RateLimitPolicy.PASSWORD_RESET)
  @ApiOperation({ summary: 'Mail a reset code (answered the same whether or not the email is known)' })
  @ApiResponse({ status: 202, type: AcceptedDto })
  @ApiErrors()
  requestPasswordReset(@Body() dto: PasswordResetRequestDto): Promise<AcceptedDto> {
    return this.rpc.call(AuthCommands.PasswordResetRequest, dto);
  }

  @Post('password-reset/confirm')
  @Public()
  @HttpCode(HttpStatus.OK)
  @RateLimit(RateLimitPolicy.PASSWORD_RESET)
  @ApiOperation({ summary: 'Set a new password with the mailed code; signs out every session' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401)
  confirmPasswordReset(@Body() dto: PasswordResetConfirmDto, @Req() request: FastifyRequest): Promise<OkDto> {
    return this.rpc.call(AuthCommands.PasswordResetConfirm, dto, this.fromClient(request));
  }

  @Post('verify-email')
  @Public()
  @HttpCode(HttpStatus.OK)
  @RateLimit(RateLimitPolicy.VERIFY_EMAIL)
  @ApiOperation({ summary: 'Confirm an email address with the mailed code' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401)
  verifyEmail(@Body() dto: VerifyEmailDto): Promise<OkDto> {
    return this.rpc.call(AuthCommands.VerifyEmail, dto);
  }

  @Post('verify-email/resend')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @RateLimit(RateLimitPolicy.VERIFY_EMAIL_RESEND)
  @ApiOperation({ summary: 'Mail a new verification code' })
  @ApiResponse({ status: 202, type: AcceptedDto })
  @ApiErrors()
  resendVerification(@Body() dto: ResendVerificationDto): Promise<AcceptedDto> {
    return this.rpc.call(AuthCommands.VerifyEmailResend, dto);
  }
}
