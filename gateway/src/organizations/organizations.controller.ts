import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { anyone, authenticated, can, Policy } from '@spilno/auth';
import {
  AddMemberPayload,
  CreateOrganizationPayload,
  ListMembersPayload,
  ListOrganizationsPayload,
  MemberPage,
  MemberView,
  OrganizationIdPayload,
  OrganizationPage,
  OrganizationView,
  RemoveMemberPayload,
  RequestMeta,
  Subjects,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  AddMemberDto,
  CreateOrganizationDto,
  ListOrganizationsQueryDto,
  MemberDto,
  MemberPageDto,
  OrganizationDto,
  OrganizationPageDto,
  PageQueryDto,
} from './organizations.dto';

/**
 * Organizations and memberships, answered by the users service. The policies here are coarse;
 * the service checks the caller against the organization itself (404 when the caller may not
 * see it, 403 when they see it but may not do this).
 */
@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @Policy(authenticated, can('create', 'Organization'))
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create an organization (pending until an admin verifies it)' })
  @ApiCreatedResponse({ type: OrganizationDto, description: 'Pending; the caller is its owner' })
  @ApiProblemResponse(400, 'Invalid input')
  @ApiProblemResponse(401, 'No or invalid access token')
  create(
    @Body() body: CreateOrganizationDto,
    @Meta() meta: RequestMeta,
  ): Promise<OrganizationView> {
    return this.rpc.send<OrganizationView, CreateOrganizationPayload>(
      Subjects.users.organizationCreate,
      { name: body.name, kind: body.kind, region: body.region, description: body.description },
      { meta },
    );
  }

  @Get()
  @Policy(anyone)
  @ApiOperation({
    summary: 'Verified organizations, paged; members also see their pending ones, admins all',
  })
  @ApiOkResponse({ type: OrganizationPageDto })
  @ApiProblemResponse(400, 'Invalid filter, limit above 100, or a malformed cursor')
  @ApiProblemResponse(401, 'An access token was sent and is invalid (anonymous callers send none)')
  list(
    @Query() query: ListOrganizationsQueryDto,
    @Meta() meta: RequestMeta,
  ): Promise<OrganizationPage> {
    return this.rpc.send<OrganizationPage, ListOrganizationsPayload>(
      Subjects.users.organizationList,
      { region: query.region, kind: query.kind, limit: query.limit, cursor: query.cursor },
      { meta },
    );
  }

  @Get(':id')
  @Policy(anyone)
  @ApiOperation({ summary: 'One organization, with its members count' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblemResponse(401, 'An access token was sent and is invalid (anonymous callers send none)')
  @ApiProblemResponse(404, 'Absent, or pending and the caller is neither a member nor an admin')
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<OrganizationView> {
    return this.rpc.send<OrganizationView, OrganizationIdPayload>(
      Subjects.users.organizationGet,
      { organizationId: id },
      { meta },
    );
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Policy(can('verify', 'Organization'))
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Verify an organization (admins)' })
  @ApiOkResponse({ type: OrganizationDto, description: '`status: "verified"`' })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not an admin')
  @ApiProblemResponse(404, 'No such organization')
  @ApiProblemResponse(409, 'Already verified')
  verify(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<OrganizationView> {
    return this.rpc.send<OrganizationView, OrganizationIdPayload>(
      Subjects.users.organizationVerify,
      { organizationId: id },
      { meta },
    );
  }

  @Get(':id/members')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The members, in joining order (members of it and admins)' })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiProblemResponse(400, 'Limit above 100 or a malformed cursor')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not a member of this organization')
  @ApiProblemResponse(404, 'No such organization visible to the caller')
  members(
    @Param('id') id: string,
    @Query() query: PageQueryDto,
    @Meta() meta: RequestMeta,
  ): Promise<MemberPage> {
    return this.rpc.send<MemberPage, ListMembersPayload>(
      Subjects.users.memberList,
      { organizationId: id, limit: query.limit, cursor: query.cursor },
      { meta },
    );
  }

  @Post(':id/members')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a person, by the email of their account (owners and admins)' })
  @ApiCreatedResponse({ type: MemberDto })
  @ApiProblemResponse(400, 'Invalid input')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not an owner of this organization')
  @ApiProblemResponse(
    404,
    'No such organization visible to the caller, or no account with the email',
  )
  @ApiProblemResponse(409, 'Already a member')
  addMember(
    @Param('id') id: string,
    @Body() body: AddMemberDto,
    @Meta() meta: RequestMeta,
  ): Promise<MemberView> {
    return this.rpc.send<MemberView, AddMemberPayload>(
      Subjects.users.memberAdd,
      { organizationId: id, email: body.email, role: body.role },
      { meta },
    );
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Remove a member (owners and admins), or leave (the member)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Neither an owner nor the member')
  @ApiProblemResponse(404, 'No such organization visible to the caller, or not a member')
  @ApiProblemResponse(409, 'The last owner cannot leave or be removed')
  async removeMember(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.rpc.send<unknown, RemoveMemberPayload>(
      Subjects.users.memberRemove,
      { organizationId: id, userId },
      { meta },
    );
  }
}
