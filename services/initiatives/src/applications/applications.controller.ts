import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApplicationView,
  MyApplicationPage,
  Subjects,
  TaskApplicationPage,
} from '@spilno/contracts';
import {
  ApplicationIdRequest,
  ApplyRequest,
  CompleteApplicationRequest,
  ListMyApplicationsRequest,
  ListTaskApplicationsRequest,
} from './applications.dto';
import { ApplicationsService } from './applications.service';

@Controller()
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @MessagePattern(Subjects.initiatives.applicationCreate)
  apply(@Payload() request: ApplyRequest): Promise<ApplicationView> {
    return this.applications.apply(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.applicationList)
  list(@Payload() request: ListTaskApplicationsRequest): Promise<TaskApplicationPage> {
    return this.applications.listForTask(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.applicationListMine)
  mine(@Payload() request: ListMyApplicationsRequest): Promise<MyApplicationPage> {
    return this.applications.listMine(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.applicationGet)
  get(@Payload() request: ApplicationIdRequest): Promise<ApplicationView> {
    return this.applications.get(request.meta, request.data.applicationId);
  }

  @MessagePattern(Subjects.initiatives.applicationAccept)
  accept(@Payload() request: ApplicationIdRequest): Promise<ApplicationView> {
    return this.applications.step(request.meta, request.data.applicationId, 'accept');
  }

  @MessagePattern(Subjects.initiatives.applicationReject)
  reject(@Payload() request: ApplicationIdRequest): Promise<ApplicationView> {
    return this.applications.step(request.meta, request.data.applicationId, 'reject');
  }

  @MessagePattern(Subjects.initiatives.applicationWithdraw)
  withdraw(@Payload() request: ApplicationIdRequest): Promise<ApplicationView> {
    return this.applications.step(request.meta, request.data.applicationId, 'withdraw');
  }

  @MessagePattern(Subjects.initiatives.applicationCheckIn)
  checkIn(@Payload() request: ApplicationIdRequest): Promise<ApplicationView> {
    return this.applications.step(request.meta, request.data.applicationId, 'checkIn');
  }

  @MessagePattern(Subjects.initiatives.applicationComplete)
  complete(@Payload() request: CompleteApplicationRequest): Promise<ApplicationView> {
    const { applicationId, hours } = request.data;
    return this.applications.step(request.meta, applicationId, 'complete', hours);
  }

  @MessagePattern(Subjects.initiatives.applicationNoShow)
  noShow(@Payload() request: ApplicationIdRequest): Promise<ApplicationView> {
    return this.applications.step(request.meta, request.data.applicationId, 'noShow');
  }
}
