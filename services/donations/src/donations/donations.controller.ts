import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type DonationPage, type DonationView } from '@spilno/contracts';
import {
  ConfirmDonationRequest,
  ListDonationsRequest,
  PledgeDonationRequest,
  RefundDonationRequest,
} from './donations.dto';
import { DonationsService } from './donations.service';

@Controller()
export class DonationsController {
  constructor(private readonly donations: DonationsService) {}

  @MessagePattern(Subjects.donations.donationPledge)
  pledge(@Payload() request: PledgeDonationRequest): Promise<DonationView> {
    return this.donations.pledge(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.donationList)
  list(@Payload() request: ListDonationsRequest): Promise<DonationPage> {
    return this.donations.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.donationConfirm)
  confirm(@Payload() request: ConfirmDonationRequest): Promise<DonationView> {
    return this.donations.confirm(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.donationRefund)
  refund(@Payload() request: RefundDonationRequest): Promise<DonationView> {
    return this.donations.refund(request.meta, request.data);
  }
}
