import { AuthSubjects, type MeDto } from '@callfleet/contracts';
import { currentCaller } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AccountsService } from './accounts.service';

@Controller()
export class AccountsHandlers {
  constructor(private readonly accounts: AccountsService) {}

  @MessagePattern(AuthSubjects.ME)
  me(): Promise<MeDto> {
    return this.accounts.me(currentCaller());
  }
}
