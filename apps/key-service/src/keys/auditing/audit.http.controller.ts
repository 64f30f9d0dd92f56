import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { KeyIdPipe } from '../key-id.pipe';
import { AuditEventDto, AuditPageDto } from './audit-event.dto';
import { AuditQuery } from './audit.query';
import { AuditQueryDto } from './audit.query.dto';
import { KeyHistoryQuery } from './key-history.query';

@ApiTags('audit')
@ApiSecurity('apiKey')
@Controller('v1')
@RequireAccess('read')
export class AuditHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('keys/:id/events')
  @ApiOperation({ summary: "A key's whole history, in stream order" })
  @ApiOkResponse({ type: [AuditEventDto] })
  async history(@Param('id', KeyIdPipe) id: string, @Req() request: AuthenticatedRequest): Promise<AuditEventDto[]> {
    return this.queryBus.execute(new KeyHistoryQuery(id, request.principal!));
  }

  @Get('audit')
  @ApiOperation({ summary: 'Every event in the caller\'s tenants, filtered by key, type, actor and time' })
  @ApiOkResponse({ type: AuditPageDto })
  async audit(@Query() query: AuditQueryDto, @Req() request: AuthenticatedRequest): Promise<AuditPageDto> {
    return this.queryBus.execute(new AuditQuery(query, request.principal!));
  }
}
