import { AuthCommands, InviteUserDto, type ListDto, UserDto } from '@callfleet/contracts';
import { NatsRpcClient } from '@callfleet/platform';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ManagersOnly } from '../access-control/access.decorators';
import { ApiErrors, ApiListResponse } from '../docs/api-responses';

/** Members of the caller's organization. */
@ApiTags('users')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('users')
export class UsersController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Members of the caller’s organization' })
  @ApiListResponse(UserDto)
  @ApiErrors(401)
  list(): Promise<ListDto<UserDto>> {
    return this.rpc.call(AuthCommands.UsersList, {});
  }

  @Post('invite')
  @ManagersOnly()
  @ApiOperation({ summary: 'Add a member; they get a code by mail to set their password' })
  @ApiResponse({ status: 201, type: UserDto })
  @ApiErrors(401, 403, 409)
  invite(@Body() dto: InviteUserDto): Promise<UserDto> {
    return this.rpc.call(AuthCommands.UsersInvite, dto);
  }
}
