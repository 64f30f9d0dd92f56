import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, ApiQuery } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { KeyIdPipe } from '../key-id.pipe';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { ReasonRequestDto } from '../reason.request.dto';
import { DisableKeyCommand } from './disable-key.command';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class DisableKeyHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend a key until it is enabled again' })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: KeyRecordDto })
  @ApiConflictResponse({ description: 'The key is revoked or already disabled' })
  async disable(
    @Param('id', KeyIdPipe) id: string,
    @Query('tenant', TenantQueryPipe) tenant: string | undefined,
    @Body() body: ReasonRequestDto,
    @Ctx() context: CommandContext,
  ): Promise<KeyRecordDto> {
    return toKeyRecord(await this.commandBus.execute(new DisableKeyCommand({ keyId: id, tenant }, body?.reason ?? null, context)));
  }
}
