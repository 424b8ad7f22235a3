import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { authenticated, Policy } from '@spilno/auth';
import {
  Subjects,
  type ConfirmDonationPayload,
  type DonationView,
  type RefundDonationPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { ConfirmDonationDto, DonationDto, RefundDonationDto } from './donations.dto';

const ID_PARAM = { name: 'id', description: 'A donation id; anything else is not found' };
const NOT_FOUND = 'No such donation, or one the caller may not see';
const NOT_ALLOWED = "Only coordinators and owners of the campaign's organization";

@ApiTags('donations')
@Controller('donations')
export class DonationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/confirm')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Confirm that a pledged donation arrived (coordinators and owners)',
    description:
      '200 `status: "received"`, with its ledger entry; counted in raised once: confirming ' +
      'again answers the same donation. The body is a JSON object (`{}` is fine).',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DonationDto })
  @ApiProblemResponse(400, 'Invalid body')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(
    409,
    'The donation was refunded, or the external reference confirmed another donation',
  )
  confirm(
    @Param('id') id: string,
    @Body() body: ConfirmDonationDto,
    @Meta() meta: RequestMeta,
  ): Promise<DonationView> {
    return this.rpc.send<DonationView, ConfirmDonationPayload>(
      Subjects.donations.donationConfirm,
      { ...body, donationId: id },
      { meta },
    );
  }

  @Post(':id/refund')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Refund a received donation (coordinators and owners)',
    description:
      '200 `status: "refunded"`: a refund entry on the ledger; raised, balance and donors go ' +
      'down. Refused (409) when the balance would go negative (the money was spent), or the ' +
      'donation was not confirmed. Refunding again answers the same donation.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DonationDto })
  @ApiProblemResponse(400, 'Invalid body')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, NOT_ALLOWED)
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'Not received yet, or the balance does not cover it')
  refund(
    @Param('id') id: string,
    @Body() body: RefundDonationDto,
    @Meta() meta: RequestMeta,
  ): Promise<DonationView> {
    return this.rpc.send<DonationView, RefundDonationPayload>(
      Subjects.donations.donationRefund,
      { ...body, donationId: id },
      { meta },
    );
  }
}
