import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { encodeCursor } from '../cursor';
import { KeyListDto, toKeyRecord } from '../key-record.dto';
import { ListKeysQuery } from './list-keys.query';
import { ListKeysQueryDto } from './list-keys.query.dto';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('read')
export class ListKeysHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'List keys, oldest first, filtered and paginated by cursor' })
  @ApiOkResponse({ type: KeyListDto })
  async list(@Query() query: ListKeysQueryDto, @Req() request: AuthenticatedRequest): Promise<KeyListDto> {
    const page = await this.queryBus.execute(new ListKeysQuery(query, request.principal!));
    const now = new Date();
    return { items: page.items.map((v) => toKeyRecord(v, now)), nextCursor: encodeCursor(page.next) };
  }
}
