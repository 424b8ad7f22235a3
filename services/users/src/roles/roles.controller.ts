import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, UserRolesView } from '@spilno/contracts';
import { UpdateRolesRequest } from './roles.dto';
import { RolesService } from './roles.service';

@Controller()
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @MessagePattern(Subjects.users.rolesUpdate)
  update(@Payload() request: UpdateRolesRequest): Promise<UserRolesView> {
    return this.roles.update(request.meta, request.data);
  }
}
