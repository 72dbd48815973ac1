import { AuthCommands, InviteUserDto, type ListDto, type UserDto } from '@callfleet/contracts';
import { Caller, Command } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { UsersService } from './users.service';

@Controller()
export class UsersHandlers {
  constructor(private readonly users: UsersService) {}

  @Command(AuthCommands.UsersList)
  list(@Caller() caller: Caller): Promise<ListDto<UserDto>> {
    return this.users.list(caller);
  }

  @Command(AuthCommands.UsersInvite)
  invite(@Payload() dto: InviteUserDto, @Caller() caller: Caller): Promise<UserDto> {
    return this.users.invite(caller, dto);
  }
}
