import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccountView, Subjects } from '@spilno/contracts';
import { EmptyRequest, signedIn } from '../common/envelope';
import { AccountsService } from './accounts.service';

@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @MessagePattern(Subjects.users.profileGet)
  profile(@Payload() request: EmptyRequest): Promise<AccountView> {
    return this.accounts.profile(signedIn(request.meta));
  }
}
