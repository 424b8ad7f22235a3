import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { anyone, Policy } from '@spilno/auth';
import { RequestMeta, SERVICE_NAMES } from '@spilno/contracts';
import { Meta } from '../common/request-meta.decorator';
import { ApiProblemResponse } from '../common/problem';
import { LivenessDto, ReadinessDto, ServiceHealthDto } from './health.dto';
import { HealthService } from './health.service';

@ApiTags('operations')
@Controller('health')
@Policy(anyone)
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is running' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'NATS is connected and every service answers its health check' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblemResponse(503, 'Not ready: `checks` names what is down; `Retry-After` set')
  ready(@Meta() meta: RequestMeta): Promise<ReadinessDto> {
    return this.health.readiness(meta);
  }

  @Get('services/:name')
  @ApiOperation({ summary: "One service's health answer, through NATS" })
  @ApiParam({ name: 'name', enum: SERVICE_NAMES })
  @ApiOkResponse({ type: ServiceHealthDto })
  @ApiProblemResponse(404, 'No service of that name')
  @ApiProblemResponse(503, 'The service did not answer in time; `Retry-After` set')
  service(@Param('name') name: string, @Meta() meta: RequestMeta): Promise<ServiceHealthDto> {
    return this.health.serviceHealth(name, meta);
  }
}
