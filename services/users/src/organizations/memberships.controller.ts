import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MemberPage, MemberView, Subjects } from '@spilno/contracts';
import { AddMemberRequest, ListMembersRequest, RemoveMemberRequest } from './organizations.dto';
import { MembershipsService } from './memberships.service';

@Controller()
export class MembershipsController {
  constructor(private readonly memberships: MembershipsService) {}

  @MessagePattern(Subjects.users.memberAdd)
  add(@Payload() request: AddMemberRequest): Promise<MemberView> {
    return this.memberships.add(request.meta, request.data);
  }

  @MessagePattern(Subjects.users.memberRemove)
  async remove(@Payload() request: RemoveMemberRequest): Promise<{ ok: true }> {
    await this.memberships.remove(request.meta, request.data);
    return { ok: true };
  }

  @MessagePattern(Subjects.users.memberList)
  list(@Payload() request: ListMembersRequest): Promise<MemberPage> {
    return this.memberships.list(request.meta, request.data);
  }
}
