import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type LedgerPage, type LedgerVerification } from '@spilno/contracts';
import { CampaignIdRequest } from '../campaigns/campaigns.dto';
import { ListLedgerRequest } from './ledger.dto';
import { LedgerService } from './ledger.service';

@Controller()
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @MessagePattern(Subjects.donations.ledgerList)
  list(@Payload() request: ListLedgerRequest): Promise<LedgerPage> {
    return this.ledger.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.ledgerVerify)
  verify(@Payload() request: CampaignIdRequest): Promise<LedgerVerification> {
    return this.ledger.verify(request.meta, request.data.campaignId);
  }
}
