import { Controller, Delete, Get, HttpCode, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { authenticated, Policy } from '@spilno/auth';
import type { RequestMeta, SubjectDataExport } from '@spilno/contracts';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { SubjectDataExportDto } from './privacy.dto';
import { PrivacyService } from './privacy.service';

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('me')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('export')
  @Policy(authenticated)
  @ApiOperation({
    summary: 'Everything the platform holds about the caller, from every service',
    description: 'A download (`Content-Disposition: attachment`); never cached.',
  })
  @ApiOkResponse({
    type: SubjectDataExportDto,
    headers: {
      'Content-Disposition': {
        description: 'attachment; filename="spilno-export-<YYYY-MM-DD>.json"',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(503, 'A service did not answer: no partial export; `Retry-After` set')
  async export(
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectDataExport> {
    const data = await this.privacy.export(meta);
    void reply
      .header('Content-Disposition', exportAttachment(data.exportedAt))
      .header('Cache-Control', 'no-store');
    return data;
  }

  @Delete()
  @HttpCode(204)
  @Policy(authenticated)
  @ApiOperation({
    summary: 'Erase the caller',
    description:
      'Personal data is erased or pseudonymised in every service (donations and hours stay in ' +
      'aggregates, anonymous); every session ends and access tokens are refused from now on.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblemResponse(401, 'No or invalid access token')
  @ApiProblemResponse(503, 'The users service did not answer in time; retrying is safe')
  async erase(@Meta() meta: RequestMeta): Promise<void> {
    await this.privacy.erase(meta);
  }
}

function exportAttachment(exportedAt: string): string {
  return `attachment; filename="spilno-export-${exportedAt.slice(0, 10)}.json"`;
}
