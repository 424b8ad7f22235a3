import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { anyone, authenticated, Policy } from '@spilno/auth';
import {
  Subjects,
  type CampaignPage,
  type CampaignView,
  type CreateCampaignPayload,
  type InitiativeCampaignsPayload,
  type InitiativeFundingView,
  type InitiativeIdPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  CampaignDto,
  CampaignPageDto,
  CreateCampaignDto,
  FundingDto,
  PageQuery,
} from './donations.dto';

const ID_PARAM = { name: 'id', description: 'An initiative id; anything else is not found' };
const NOT_FOUND =
  'No such initiative known to the donations service, or one the caller may not see ' +
  '(a newly published one becomes known within moments, through its event)';

/** An initiative's campaigns and funding, answered by the donations service. */
@ApiTags('donations')
@Controller('initiatives')
export class InitiativeCampaignsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/campaigns')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Start a fundraising campaign for a published initiative',
    description:
      'Coordinators and owners of the initiative’s organization. A goal in minor units and a ' +
      'currency (UAH default); optional in-kind needs. At most 20 campaigns per initiative.',
  })
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: CampaignDto })
  @ApiProblemResponse(400, 'Invalid input: unknown field, float amount, unknown currency, ...')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, 'The caller may see the initiative but not act for its organization')
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The initiative is not published, or has 20 campaigns')
  create(
    @Param('id') id: string,
    @Body() body: CreateCampaignDto,
    @Meta() meta: RequestMeta,
  ): Promise<CampaignView> {
    return this.rpc.send<CampaignView, CreateCampaignPayload>(
      Subjects.donations.campaignCreate,
      { ...body, initiativeId: id },
      { meta },
    );
  }

  @Get(':id/campaigns')
  @Policy(anyone)
  @ApiOperation({ summary: "An initiative's campaigns, oldest first, with their totals" })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CampaignPageDto })
  @ApiProblemResponse(400, 'Invalid limit or cursor')
  @ApiProblemResponse(404, NOT_FOUND)
  campaigns(
    @Param('id') id: string,
    @Query() query: PageQuery,
    @Meta() meta: RequestMeta,
  ): Promise<CampaignPage> {
    return this.rpc.send<CampaignPage, InitiativeCampaignsPayload>(
      Subjects.donations.campaignList,
      { ...query, initiativeId: id },
      { meta },
    );
  }

  @Get(':id/funding')
  @Policy(anyone)
  @ApiOperation({
    summary: "The initiative's funding: money per currency, and volunteer hours as in-kind value",
    description:
      'Campaign totals summed per currency; volunteer hours (completed applications) valued ' +
      'at the configured hourly rate and labelled "in-kind value": never added to money.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: FundingDto })
  @ApiProblemResponse(404, NOT_FOUND)
  funding(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<InitiativeFundingView> {
    return this.rpc.send<InitiativeFundingView, InitiativeIdPayload>(
      Subjects.donations.fundingGet,
      { initiativeId: id },
      { meta },
    );
  }
}
