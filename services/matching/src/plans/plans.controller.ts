import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type AssignmentPlanView } from '@spilno/contracts';
import { AssignmentPlanRequest } from '../common/matching.dto';
import { PlansService } from './plans.service';

@Controller()
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @MessagePattern(Subjects.matching.assignmentPlanCreate)
  plan(@Payload() request: AssignmentPlanRequest): AssignmentPlanView {
    return this.plans.plan(request.meta, request.data);
  }
}
