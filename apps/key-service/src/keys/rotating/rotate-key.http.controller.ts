import { ApiConflictResponse, ApiProperty, ApiOkResponse, ApiOperation, ApiSecurity, ApiServiceUnavailableResponse, ApiTags, ApiQuery } from '@nestjs/swagger';
import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { KeyIdPipe } from '../key-id.pipe';
import { CreatedKeyDto, toCreatedKeyRecord } from '../key-record.dto';
import { RotateKeyCommand } from './rotate-key.command';
import { RotateKeyRequestDto } from './rotate-key.request.dto';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';

export class RotatedKeyDto extends CreatedKeyDto {
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Until when the previous secret still verifies' })
  previousKeyValidUntil!: string | null;
}

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class RotateKeyHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new secret for the same key; the new plaintext is in this response only' })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: RotatedKeyDto })
  @ApiConflictResponse({ description: 'The key is revoked' })
  @ApiServiceUnavailableResponse({
    description: '`recoverable: true` but no KEY_ENCRYPTION_KEY is configured (distributed topology); or the caller cannot be authenticated while the verification stores are down. Nothing was changed',
  })
  async rotate(
    @Param('id', KeyIdPipe) id: string,
    @Query('tenant', TenantQueryPipe) tenant: string | undefined,
    @Body() body: RotateKeyRequestDto,
    @Ctx() context: CommandContext,
  ): Promise<RotatedKeyDto> {
    const rotated = await this.commandBus.execute(new RotateKeyCommand({ keyId: id, tenant }, body?.gracePeriodSeconds ?? 0, context, body?.recoverable ?? false));
    // Fields added, not spread into a new literal (see toCreatedKeyRecord); the same order.
    const record = toCreatedKeyRecord(rotated.view, rotated.plaintext) as RotatedKeyDto;
    record.previousKeyValidUntil = rotated.previousValidUntil;
    return record;
  }
}
