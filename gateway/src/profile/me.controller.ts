import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { authenticated, Policy } from '@spilno/auth';
import { ProfileView, RequestMeta, Subjects, UpdateProfilePayload } from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { ProfileDto, UpdateProfileDto } from './profile.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Policy(authenticated)
  @ApiOperation({ summary: "The caller's whole profile (never secrets)" })
  @ApiOkResponse({ type: ProfileDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  me(@Meta() meta: RequestMeta): Promise<ProfileView> {
    return this.rpc.send<ProfileView>(Subjects.users.profileGet, {}, { meta });
  }

  @Patch()
  @Policy(authenticated)
  @ApiOperation({
    summary: "Change the caller's profile",
    description:
      'Partial: absent fields stay as they are; `null` clears region, district, birthYear, ' +
      'maxHoursPerWeek and location. Other fields (roles, email, ...) are refused.',
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiProblemResponse(
    400,
    'Invalid input: unknown field, wrong type, unknown skill code, overlapping availability, ...',
  )
  @ApiProblemResponse(401, 'No or invalid access token')
  update(@Body() body: UpdateProfileDto, @Meta() meta: RequestMeta): Promise<ProfileView> {
    return this.rpc.send<ProfileView, UpdateProfilePayload>(Subjects.users.profileUpdate, body, {
      meta,
    });
  }
}
