import { BadRequestException, Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { RequireAccess } from '../../auth/access.decorator';
import { parseRfc3339 } from '../../input/rfc3339';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { KeyIdPipe } from '../key-id.pipe';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { GetKeyQuery } from './get-key.query';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';

export function parseAt(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  // Held to the same rule as every date-time field (IsRfc3339DateTime), with its words.
  const date = parseRfc3339(at);
  if (date === null) throw new BadRequestException('at must be an RFC 3339 date-time, e.g. 2030-01-01T00:00:00Z');
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
  @ApiQuery({ name: 'at', required: false, description: 'RFC 3339 date-time' })
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
