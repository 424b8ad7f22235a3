import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { hasRole, Policy } from '@spilno/auth';
import { RequestMeta, Subjects, UpdateRolesPayload, UserRolesView } from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { UpdateRolesDto, UserRolesDto } from './roles.dto';

@ApiTags('roles')
@Controller('users')
export class RolesController {
  constructor(private readonly rpc: RpcClient) {}

  @Patch(':id/roles')
  @Policy(hasRole('admin'))
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Grant or revoke researcher and admin (admins)',
    description:
      'Losing a role also revokes the person’s refresh tokens. `citizen` is everyone’s and ' +
      'cannot be granted or revoked.',
  })
  @ApiOkResponse({ type: UserRolesDto })
  @ApiProblemResponse(400, 'Unknown role, nothing to change, or a role both added and removed')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not an admin')
  @ApiProblemResponse(404, 'No such user')
  @ApiProblemResponse(409, 'It would remove the last admin')
  update(
    @Param('id') id: string,
    @Body() body: UpdateRolesDto,
    @Meta() meta: RequestMeta,
  ): Promise<UserRolesView> {
    return this.rpc.send<UserRolesView, UpdateRolesPayload>(
      Subjects.users.rolesUpdate,
      { userId: id, add: body.add, remove: body.remove },
      { meta },
    );
  }
}
