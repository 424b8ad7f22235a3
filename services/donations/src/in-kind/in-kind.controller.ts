import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type InKindPledgePage, type InKindPledgeView } from '@spilno/contracts';
import { ListInKindPledgesRequest, PledgeInKindRequest, ReceiveInKindRequest } from './in-kind.dto';
import { InKindService } from './in-kind.service';

@Controller()
export class InKindController {
  constructor(private readonly inKind: InKindService) {}

  @MessagePattern(Subjects.donations.inKindPledgeCreate)
  pledge(@Payload() request: PledgeInKindRequest): Promise<InKindPledgeView> {
    return this.inKind.pledge(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.inKindPledgeList)
  list(@Payload() request: ListInKindPledgesRequest): Promise<InKindPledgePage> {
    return this.inKind.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.inKindPledgeReceive)
  receive(@Payload() request: ReceiveInKindRequest): Promise<InKindPledgeView> {
    return this.inKind.receive(request.meta, request.data);
  }
}
