import { BadRequestException, Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { RequireAccess } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { KeyIdPipe } from '../key-id.pipe';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { GetKeyQuery } from './get-key.query';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';

export function parseAt(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  const date = new Date(at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(date.getTime())) throw new BadRequestException('at must be an ISO 8601 date-time');
  return date;
}

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('read')
export class GetKeyHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiOperation({ summary: 'A key as it is now, or as it was at ?at=<date-time> (replayed from its events)' })
  @ApiQuery({ name: 'at', required: false, description: 'ISO 8601 date-time' })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: KeyRecordDto })
  async get(
    @Param('id', KeyIdPipe) id: string,
    @Query('at') at: string | undefined,
    @Query('tenant', TenantQueryPipe) tenant: string | undefined,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KeyRecordDto> {
    const when = parseAt(at);
    const view = await this.queryBus.execute(new GetKeyQuery({ keyId: id, tenant }, request.principal!, when));
    reply.header('ETag', `"${view.version}"`);
    return toKeyRecord(view, when ?? new Date());
  }
}
