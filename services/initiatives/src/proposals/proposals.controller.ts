import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ProposalPage, ProposalView, Subjects, VoteView } from '@spilno/contracts';
import {
  CreateProposalRequest,
  ListProposalsRequest,
  ProposalIdRequest,
  ReviewProposalRequest,
} from './proposals.dto';
import { ProposalsService } from './proposals.service';

@Controller()
export class ProposalsController {
  constructor(private readonly proposals: ProposalsService) {}

  @MessagePattern(Subjects.initiatives.proposalCreate)
  create(@Payload() request: CreateProposalRequest): Promise<ProposalView> {
    return this.proposals.create(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.proposalList)
  list(@Payload() request: ListProposalsRequest): Promise<ProposalPage> {
    return this.proposals.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.proposalGet)
  get(@Payload() request: ProposalIdRequest): Promise<ProposalView> {
    return this.proposals.get(request.meta, request.data.proposalId);
  }

  @MessagePattern(Subjects.initiatives.proposalReview)
  review(@Payload() request: ReviewProposalRequest): Promise<ProposalView> {
    return this.proposals.review(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.voteCast)
  vote(@Payload() request: ProposalIdRequest): Promise<VoteView> {
    return this.proposals.vote(request.meta, request.data.proposalId);
  }

  @MessagePattern(Subjects.initiatives.voteWithdraw)
  unvote(@Payload() request: ProposalIdRequest): Promise<VoteView> {
    return this.proposals.unvote(request.meta, request.data.proposalId);
  }
}
