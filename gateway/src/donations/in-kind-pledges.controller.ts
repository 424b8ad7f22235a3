import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { authenticated, Policy } from '@spilno/auth';
import {
  Subjects,
  type InKindPledgeView,
  type ReceiveInKindPayload,
  type RequestMeta,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { InKindPledgeDto, ReceiveInKindDto } from './donations.dto';

@ApiTags('donations')
@Controller('in-kind-pledges')
export class InKindPledgesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post(':id/receive')
  @HttpCode(200)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Record that pledged goods arrived (coordinators and owners)',
    description:
      'Counted in the need’s `received`, once. The body is a JSON object (`{}`: all of it).',
  })
  @ApiParam({ name: 'id', description: 'An in-kind pledge id; anything else is not found' })
  @ApiOkResponse({ type: InKindPledgeDto })
  @ApiProblemResponse(400, 'Invalid body')
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(403, "Only coordinators and owners of the campaign's organization")
  @ApiProblemResponse(404, 'No such pledge, or one the caller may not see')
  @ApiProblemResponse(409, 'Already received')
  @ApiProblemResponse(422, 'More than was pledged')
  receive(
    @Param('id') id: string,
    @Body() body: ReceiveInKindDto,
    @Meta() meta: RequestMeta,
  ): Promise<InKindPledgeView> {
    return this.rpc.send<InKindPledgeView, ReceiveInKindPayload>(
      Subjects.donations.inKindPledgeReceive,
      { ...body, pledgeId: id },
      { meta },
    );
  }
}
