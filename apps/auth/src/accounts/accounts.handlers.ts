import { AuthCommands, type MeDto } from '@callfleet/contracts';
import { Caller, Command } from '@callfleet/platform';
import { Controller } from '@nestjs/common';
import { AccountsService } from './accounts.service';

@Controller()
export class AccountsHandlers {
  constructor(private readonly accounts: AccountsService) {}

  @Command(AuthCommands.Me)
  me(@Caller() caller: Caller): Promise<MeDto> {
    return this.accounts.me(caller);
  }
}
