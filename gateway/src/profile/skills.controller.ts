import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { anyone, Policy } from '@spilno/auth';
import { RequestMeta, SkillView, Subjects } from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { Meta } from '../common/request-meta.decorator';
import { SkillDto } from './profile.dto';

@ApiTags('accounts')
@Controller('skills')
export class SkillsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Policy(anyone)
  // The taxonomy changes with deployments, not by the minute.
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({ summary: 'The skills taxonomy, in Ukrainian and English, by group' })
  @ApiOkResponse({ type: [SkillDto] })
  skills(@Meta() meta: RequestMeta): Promise<SkillView[]> {
    return this.rpc.send<SkillView[]>(Subjects.users.skillsList, {}, { meta });
  }
}
