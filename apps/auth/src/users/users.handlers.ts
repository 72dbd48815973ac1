import { AuthSubjects, InviteUserDto, type ListDto, type UserDto } from '@callfleet/contracts';
import { currentCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { UsersService } from './users.service';

@Controller()
export class UsersHandlers {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(AuthSubjects.USERS_LIST)
  list(): Promise<ListDto<UserDto>> {
    return this.users.list(currentCaller());
  }

  @MessagePattern(AuthSubjects.USERS_INVITE)
  invite(@Payload() dto: InviteUserDto): Promise<UserDto> {
    return this.users.invite(currentCaller(), dto);
  }
}
