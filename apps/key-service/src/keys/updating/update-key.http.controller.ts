import { BadRequestException, Body, Controller, Headers, Param, Patch, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiSecurity, ApiTags, ApiQuery } from '@nestjs/swagger';
import { normalizeAllowlist, normalizePermissions } from '@key-service/verifier';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { KeyIdPipe } from '../key-id.pipe';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { UpdateKeyCommand } from './update-key.command';
import { UpdateKeyRequestDto } from './update-key.request.dto';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';

/** `If-Match: "3"` (an ETag from GET) or `If-Match: 3`. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new BadRequestException('If-Match must be a key version, e.g. "3"');
  return Number(match[1]);
}

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class UpdateKeyHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':id')
  @ApiOperation({ summary: 'Change name, description, roles, annotations, expiry, owner, environment, limits, allowedIps or permissions' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Version last seen; 412 when the key has changed since' })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: KeyRecordDto })
  @ApiConflictResponse({ description: 'The key is revoked: it can no longer change' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version than the key is at' })
  async update(
    @Param('id', KeyIdPipe) id: string,
    @Query('tenant', TenantQueryPipe) tenant: string | undefined,
    @Body() body: UpdateKeyRequestDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<KeyRecordDto> {
    const expectedVersion = parseIfMatch(ifMatch);
    const changes = {
      ...body,
      expiresAt: body.expiresAt === undefined || body.expiresAt === null ? body.expiresAt : new Date(body.expiresAt).toISOString(),
      quota:
        body.quota === undefined || body.quota === null
          ? body.quota
          : { remaining: body.quota.remaining, refill: body.quota.refill ?? null, refillAmount: body.quota.refill ? (body.quota.refillAmount ?? body.quota.remaining) : null },
      rateLimit: body.rateLimit === undefined || body.rateLimit === null ? body.rateLimit : { limit: body.rateLimit.limit, durationMs: body.rateLimit.durationMs },
      allowedIps: body.allowedIps === undefined || body.allowedIps === null ? body.allowedIps : normalizeAllowlist(body.allowedIps),
      permissions: body.permissions === undefined ? undefined : normalizePermissions(body.permissions),
    };
    const clean = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(clean).length === 0) throw new BadRequestException('Nothing to update: send at least one field');
    const view = await this.commandBus.execute(new UpdateKeyCommand({ keyId: id, tenant }, clean, expectedVersion, context));
    return toKeyRecord(view);
  }
}
