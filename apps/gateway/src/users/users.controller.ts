import { InviteUserDto, type ListDto, UserDto } from '@callfleet/contracts';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access-control/access.decorators';
import { AuthClient } from '../auth-client/auth.client';
import { ApiErrors, ApiListResponse } from '../docs/api-responses';

/** Members of the caller's organization. */
@ApiTags('users')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('users')
export class UsersController {
  constructor(private readonly auth: AuthClient) {}

  @Get()
  @ApiOperation({ summary: 'Members of the caller’s organization' })
  @ApiListResponse(UserDto)
  @ApiErrors(401)
  list(): Promise<ListDto<UserDto>> {
    return this.auth.listUsers();
  }

  @Post('invite')
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Add a member; they get a code by mail to set their password' })
  @ApiResponse({ status: 201, type: UserDto })
  @ApiErrors(401, 403, 409)
  invite(@Body() dto: InviteUserDto): Promise<UserDto> {
    return this.auth.inviteUser(dto);
  }
}
