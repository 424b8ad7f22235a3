import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { authenticated, Policy } from '@spilno/auth';
import { GetUserPayload, RequestMeta, Subjects, UserView } from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { UserViewDto } from './profile.dto';
import { UserIdPipe } from './user-id.pipe';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'A person, as the caller may see them',
    description:
      'Citizens see `{ id, displayName }`; organizers also see region, district, languages, ' +
      'skills and availability of `contactable` volunteers; the person themself and admins ' +
      'see the whole profile.',
  })
  @ApiParam({ name: 'id', description: 'A user id; anything else is simply not found' })
  @ApiOkResponse({ type: UserViewDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, 'No such person (also for ids of the wrong form)')
  user(@Param('id', UserIdPipe) id: string, @Meta() meta: RequestMeta): Promise<UserView> {
    return this.rpc.send<UserView, GetUserPayload>(Subjects.users.userGet, { id }, { meta });
  }
}
