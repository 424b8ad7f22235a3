import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrganizationPage, OrganizationView, Subjects } from '@spilno/contracts';
import {
  CreateOrganizationRequest,
  ListOrganizationsRequest,
  OrganizationIdRequest,
} from './organizations.dto';
import { OrganizationsService } from './organizations.service';

@Controller()
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @MessagePattern(Subjects.users.organizationCreate)
  create(@Payload() request: CreateOrganizationRequest): Promise<OrganizationView> {
    return this.organizations.create(request.meta, request.data);
  }

  @MessagePattern(Subjects.users.organizationList)
  list(@Payload() request: ListOrganizationsRequest): Promise<OrganizationPage> {
    return this.organizations.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.users.organizationGet)
  get(@Payload() request: OrganizationIdRequest): Promise<OrganizationView> {
    return this.organizations.get(request.meta, request.data.organizationId);
  }

  @MessagePattern(Subjects.users.organizationVerify)
  verify(@Payload() request: OrganizationIdRequest): Promise<OrganizationView> {
    return this.organizations.verify(request.meta, request.data.organizationId);
  }
}
