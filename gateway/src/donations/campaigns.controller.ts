import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
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
  type CampaignIdPayload,
  type CampaignView,
  type CreateExpensePayload,
  type DonationPage,
  type DonationView,
  type ExpenseView,
  type InKindPledgePage,
  type InKindPledgeView,
  type LedgerPage,
  type LedgerVerification,
  type ListDonationsPayload,
  type ListInKindPledgesPayload,
  type ListLedgerPayload,
  type PledgeDonationPayload,
  type PledgeInKindPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import {
  CampaignDto,
  CreateExpenseDto,
  DonationDto,
  DonationPageDto,
  ExpenseDto,
  InKindPledgeDto,
  InKindPledgePageDto,
  LedgerPageDto,
  LedgerVerificationDto,
  ListDonationsQuery,
  ListInKindPledgesQuery,
  PageQuery,
  PledgeDonationDto,
  PledgeInKindDto,
} from './donations.dto';
import { ApiIdempotencyKey, requireIdempotencyKey } from './idempotency-key';

const ID_PARAM = { name: 'id', description: 'A campaign id; anything else is not found' };
const NOT_FOUND =
  'No such campaign, or one the caller may not see (its initiative is not public and the ' +
  'caller is not of its organization)';
const NOT_ALLOWED = "Only coordinators and owners of the campaign's organization";
const IDEMPOTENCY_422 = 'The Idempotency-Key was used with another body';

@ApiTags('donations')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get(':id')
  @Policy(anyone)
  @ApiOperation({
    summary: 'A campaign with its totals and in-kind needs',
    description:
      'raised (confirmed donations minus refunds), spent (expenses), balance, donors ' +
      '(confirmed donations not refunded): always the sums of the public ledger.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CampaignDto })
  @ApiProblemResponse(404, NOT_FOUND)
  get(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<CampaignView> {
    return this.rpc.send<CampaignView, CampaignIdPayload>(
      Subjects.donations.campaignGet,
      { campaignId: id },
      { meta },
    );
  }

  @Post(':id/donations')
  @Policy(anyone)
  @ApiOperation({
    summary: 'Pledge a donation (anyone, signed in or not)',
    description:
      '201 `status: "pledged"`: counted in raised once an organizer confirms receipt. ' +
      'Requires Idempotency-Key: 50 simultaneous identical requests make one donation and 50 ' +
      'identical answers. Donations are taken while the initiative is published.',
  })
  @ApiParam(ID_PARAM)
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: DonationDto })
  @ApiProblemResponse(400, 'Invalid body (floats, zero, unknown currency, ...) or Idempotency-Key')
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The initiative is not published (completed or cancelled)')
  @ApiProblemResponse(
    422,
    `Another currency than the campaign's, an amount above the maximum, or: ${IDEMPOTENCY_422}`,
  )
  pledge(
    @Param('id') id: string,
    @Body() body: PledgeDonationDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<DonationView> {
    const key = requireIdempotencyKey(idempotencyKey);
    return this.rpc.send<DonationView, PledgeDonationPayload>(
      Subjects.donations.donationPledge,
      { ...body, campaignId: id, idempotencyKey: key },
      { meta },
    );
  }

  @Get(':id/donations')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "A campaign's donations, newest first (coordinators and owners)",
    description: 'Amounts, statuses and references; never who the donor is.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DonationPageDto })
  @ApiProblemResponse(400, 'Invalid status, limit or cursor')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  donations(
    @Param('id') id: string,
    @Query() query: ListDonationsQuery,
    @Meta() meta: RequestMeta,
  ): Promise<DonationPage> {
    return this.rpc.send<DonationPage, ListDonationsPayload>(
      Subjects.donations.donationList,
      { ...query, campaignId: id },
      { meta },
    );
  }

  @Post(':id/expenses')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Record an expense (coordinators and owners)',
    description:
      'A public ledger entry with the description and receipt link. Refused (409) when the ' +
      'balance does not cover it; of two simultaneous expenses that together exceed it, ' +
      'exactly one succeeds. Requires Idempotency-Key. Not on cancelled initiatives.',
  })
  @ApiParam(ID_PARAM)
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: ExpenseDto })
  @ApiProblemResponse(400, 'Invalid body or Idempotency-Key')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The balance does not cover it, or the initiative was cancelled')
  @ApiProblemResponse(
    422,
    `Another currency than the campaign's, an amount above the maximum, or: ${IDEMPOTENCY_422}`,
  )
  expense(
    @Param('id') id: string,
    @Body() body: CreateExpenseDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<ExpenseView> {
    const key = requireIdempotencyKey(idempotencyKey);
    return this.rpc.send<ExpenseView, CreateExpensePayload>(
      Subjects.donations.expenseCreate,
      { ...body, campaignId: id, idempotencyKey: key },
      { meta },
    );
  }

  @Post(':id/in-kind-pledges')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Pledge goods the campaign needs',
    description: 'Counted in the need’s `pledged`; while the initiative is published.',
  })
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: InKindPledgeDto })
  @ApiProblemResponse(400, 'Invalid body')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'The initiative is not published')
  @ApiProblemResponse(422, 'The campaign needs no such item')
  pledgeInKind(
    @Param('id') id: string,
    @Body() body: PledgeInKindDto,
    @Meta() meta: RequestMeta,
  ): Promise<InKindPledgeView> {
    return this.rpc.send<InKindPledgeView, PledgeInKindPayload>(
      Subjects.donations.inKindPledgeCreate,
      { ...body, campaignId: id },
      { meta },
    );
  }

  @Get(':id/in-kind-pledges')
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: "A campaign's in-kind pledges, newest first (coordinators and owners)" })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InKindPledgePageDto })
  @ApiProblemResponse(400, 'Invalid status, limit or cursor')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  inKindPledges(
    @Param('id') id: string,
    @Query() query: ListInKindPledgesQuery,
    @Meta() meta: RequestMeta,
  ): Promise<InKindPledgePage> {
    return this.rpc.send<InKindPledgePage, ListInKindPledgesPayload>(
      Subjects.donations.inKindPledgeList,
      { ...query, campaignId: id },
      { meta },
    );
  }

  @Get(':id/ledger')
  @Policy(anyone)
  @ApiOperation({
    summary: 'The public ledger, oldest entry first',
    description:
      'Append-only: one entry per confirmed donation, expense and refund, each with the hash ' +
      'chaining it to the previous one (the donations service README gives the encoding).',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: LedgerPageDto })
  @ApiProblemResponse(400, 'Invalid limit or cursor')
  @ApiProblemResponse(404, NOT_FOUND)
  ledger(
    @Param('id') id: string,
    @Query() query: PageQuery,
    @Meta() meta: RequestMeta,
  ): Promise<LedgerPage> {
    return this.rpc.send<LedgerPage, ListLedgerPayload>(
      Subjects.donations.ledgerList,
      { ...query, campaignId: id },
      { meta },
    );
  }

  @Get(':id/ledger/verify')
  @Policy(anyone)
  @ApiOperation({
    summary: 'Recompute the ledger’s hash chain',
    description: '`intact`, the entries checked, and `brokenAt` (the first failing seq) if not.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: LedgerVerificationDto })
  @ApiProblemResponse(404, NOT_FOUND)
  verify(@Param('id') id: string, @Meta() meta: RequestMeta): Promise<LedgerVerification> {
    return this.rpc.send<LedgerVerification, CampaignIdPayload>(
      Subjects.donations.ledgerVerify,
      { campaignId: id },
      { meta },
    );
  }
}
