import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  type CampaignPage,
  type CampaignView,
  type InitiativeFundingView,
} from '@spilno/contracts';
import {
  CampaignIdRequest,
  CreateCampaignRequest,
  InitiativeCampaignsRequest,
  InitiativeIdRequest,
} from './campaigns.dto';
import { CampaignsService } from './campaigns.service';

@Controller()
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @MessagePattern(Subjects.donations.campaignCreate)
  create(@Payload() request: CreateCampaignRequest): Promise<CampaignView> {
    return this.campaigns.create(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.campaignGet)
  get(@Payload() request: CampaignIdRequest): Promise<CampaignView> {
    return this.campaigns.get(request.meta, request.data.campaignId);
  }

  @MessagePattern(Subjects.donations.campaignList)
  list(@Payload() request: InitiativeCampaignsRequest): Promise<CampaignPage> {
    return this.campaigns.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.donations.fundingGet)
  funding(@Payload() request: InitiativeIdRequest): Promise<InitiativeFundingView> {
    return this.campaigns.funding(request.meta, request.data.initiativeId);
  }
}
