import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { KeyIdPipe } from '../key-id.pipe';
import { AuditPageDto } from './audit-event.dto';
import { AuditQuery } from './audit.query';
import { AuditQueryDto } from './audit.query.dto';
import { KeyHistoryQuery } from './key-history.query';
import { KeyHistoryQueryDto } from './key-history.query.dto';

@ApiTags('audit')
@ApiSecurity('apiKey')
@Controller('v1')
@RequireAccess('read')
export class AuditHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('keys/:id/events')
  @ApiOperation({ summary: "A key's history in stream order, a page at a time (follow nextCursor)" })
  @ApiOkResponse({ type: AuditPageDto })
  async history(
    @Param('id', KeyIdPipe) id: string,
    @Query() page: KeyHistoryQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<AuditPageDto> {
    return this.queryBus.execute(new KeyHistoryQuery({ keyId: id, tenant: page.tenant }, page, request.principal!));
  }

  @Get('audit')
  @ApiOperation({ summary: 'Every event in the caller\'s tenants, filtered by key, type, actor and time' })
  @ApiOkResponse({ type: AuditPageDto })
  async audit(@Query() query: AuditQueryDto, @Req() request: AuthenticatedRequest): Promise<AuditPageDto> {
    return this.queryBus.execute(new AuditQuery(query, request.principal!));
  }
}
