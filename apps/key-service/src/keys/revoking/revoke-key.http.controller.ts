import { Body, Controller, Delete, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, ApiQuery } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { KeyIdPipe } from '../key-id.pipe';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { ReasonRequestDto } from '../reason.request.dto';
import { RevokeKeyCommand } from './revoke-key.command';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class RevokeKeyHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key for good; effective before this call returns' })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: KeyRecordDto })
  @ApiConflictResponse({ description: 'The key is already revoked' })
  async revoke(
    @Param('id', KeyIdPipe) id: string,
    @Query('tenant', TenantQueryPipe) tenant: string | undefined,
    @Body() body: ReasonRequestDto,
    @Ctx() context: CommandContext,
  ): Promise<KeyRecordDto> {
    return toKeyRecord(await this.commandBus.execute(new RevokeKeyCommand({ keyId: id, tenant }, body?.reason ?? null, context)));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Same as revoke: the key and its history are kept, it never verifies again' })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: KeyRecordDto })
  @ApiConflictResponse({ description: 'The key is already revoked' })
  async delete(@Param('id', KeyIdPipe) id: string, @Query('tenant', TenantQueryPipe) tenant: string | undefined, @Ctx() context: CommandContext): Promise<KeyRecordDto> {
    return toKeyRecord(await this.commandBus.execute(new RevokeKeyCommand({ keyId: id, tenant }, null, context)));
  }
}
