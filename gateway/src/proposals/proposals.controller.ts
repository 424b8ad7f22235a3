import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { anyone, authenticated, Policy } from '@spilno/auth';
import {
  CreateProposalPayload,
  ListProposalsPayload,
  ProposalIdPayload,
  ProposalPage,
  ProposalView,
  RequestMeta,
  ReviewProposalPayload,
  Subjects,
  VoteView,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  CreateProposalDto,
  ListProposalsQuery,
  ProposalDto,
  ProposalPageDto,
  ReviewProposalDto,
  VoteDto,
} from './proposals.dto';

const INITIATIVE_PARAM = { name: 'id', description: 'An initiative id' };
const PROPOSAL_PARAM = { name: 'id', description: 'A proposal id' };
const INITIATIVE_NOT_FOUND = 'No such initiative, or one the caller may not see';
const NOT_FOUND = 'No such proposal, or one the caller may not see';
const VOTING_CLOSED = 'The initiative is not published, or the proposal was decided';

@ApiTags('co-design')
@Controller('initiatives')
export class InitiativeProposalsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/proposals')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Propose something on a published co-design initiative' })
  @ApiParam(INITIATIVE_PARAM)
  @ApiCreatedResponse({ type: ProposalDto })
  @ApiProblemResponse(400, 'Invalid input: title 3..160, body 1..5000 characters')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, INITIATIVE_NOT_FOUND)
  @ApiProblemResponse(409, 'Not a co-design initiative, or not published')
  create(
    @Param('id') id: string,
    @Body() body: CreateProposalDto,
    @Meta() meta: RequestMeta,
  ): Promise<ProposalView> {
    return this.rpc.send<ProposalView, CreateProposalPayload>(
      Subjects.initiatives.proposalCreate,
      { ...body, initiativeId: id },
      { meta },
    );
  }

  @Get(':id/proposals')
  @Policy(anyone)
  @ApiOperation({
    summary: 'An initiative’s proposals with their votes',
    description: 'Newest first, or most voted first (`sort=votes`). Authors as id and name only.',
  })
  @ApiParam(INITIATIVE_PARAM)
  @ApiOkResponse({ type: ProposalPageDto })
  @ApiProblemResponse(400, 'Invalid sort, limit or cursor')
  @ApiProblemResponse(404, INITIATIVE_NOT_FOUND)
  list(
    @Param('id') id: string,
    @Query() query: ListProposalsQuery,
    @Meta() meta: RequestMeta,
  ): Promise<ProposalPage> {
    return this.rpc.send<ProposalPage, ListProposalsPayload>(
      Subjects.initiatives.proposalList,
      { ...query, initiativeId: id },
      { meta },
    );
  }
}

@ApiTags('co-design')
@Controller('proposals')
export class ProposalsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @Policy(anyone)
  @ApiOperation({ summary: 'A proposal with its votes' })
  @ApiParam(PROPOSAL_PARAM)
  @ApiOkResponse({ type: ProposalDto })
  @ApiProblemResponse(404, NOT_FOUND)
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<ProposalView> {
    return this.rpc.send<ProposalView, ProposalIdPayload>(
      Subjects.initiatives.proposalGet,
      { proposalId: id },
      { meta },
    );
  }

  @Patch(':id')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Answer a proposal (coordinators and owners)' })
  @ApiParam(PROPOSAL_PARAM)
  @ApiOkResponse({ type: ProposalDto })
  @ApiProblemResponse(400, 'Invalid status or response')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'Not a coordinator or owner of the initiative’s organization')
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The status cannot follow the current one, or the initiative ended')
  review(
    @Param('id') id: string,
    @Body() body: ReviewProposalDto,
    @Meta() meta: RequestMeta,
  ): Promise<ProposalView> {
    return this.rpc.send<ProposalView, ReviewProposalPayload>(
      Subjects.initiatives.proposalReview,
      { ...body, proposalId: id },
      { meta },
    );
  }

  @Post(':id/votes')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Vote for a proposal (once)' })
  @ApiParam(PROPOSAL_PARAM)
  @ApiCreatedResponse({ type: VoteDto })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, `A second vote; or ${VOTING_CLOSED.toLowerCase()}`)
  vote(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<VoteView> {
    return this.rpc.send<VoteView, ProposalIdPayload>(
      Subjects.initiatives.voteCast,
      { proposalId: id },
      { meta },
    );
  }

  @Delete(':id/votes')
  @HttpCode(204)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Withdraw one’s vote' })
  @ApiParam(PROPOSAL_PARAM)
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, `${NOT_FOUND}, or the caller has not voted for it`)
  @ApiProblemResponse(409, VOTING_CLOSED)
  async unvote(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<void> {
    await this.rpc.send<VoteView, ProposalIdPayload>(
      Subjects.initiatives.voteWithdraw,
      { proposalId: id },
      { meta },
    );
  }
}
