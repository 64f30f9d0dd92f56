import { Controller, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { KeyIdPipe } from '../key-id.pipe';
import { CreatedKeyDto, toCreatedKeyRecord } from '../key-record.dto';
import { TENANT_QUERY_DOC } from '../tenant-query.doc';
import { TenantQueryPipe } from '../tenant-query.pipe';
import { RevealKeyCommand } from './reveal-key.command';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('reveal')
export class RevealKeyHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/reveal')
  @HttpCode(200)
  // The plaintext must not outlive this response in any cache between here and the caller.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Show a recoverable key's plaintext again (root or role revealer); a KeyRevealed event naming the caller and this request is recorded before it is sent",
  })
  @ApiQuery({ name: 'tenant', required: false, description: TENANT_QUERY_DOC })
  @ApiOkResponse({ type: CreatedKeyDto, description: 'The key as it stands, with its plaintext in `key`' })
  @ApiForbiddenResponse({ description: 'The key is valid but has not the revealer role (admin alone is not enough)' })
  @ApiNotFoundResponse({ description: 'No such key, not one the caller may see, or a key that is not recoverable (its current secret was not issued with recoverable: true)' })
  @ApiConflictResponse({ description: 'The key is revoked: its sealed secret was destroyed with the revoke' })
  @ApiServiceUnavailableResponse({
    description: 'No KEY_ENCRYPTION_KEY is configured, or the sealed secret is wrapped by a key-encryption key this service does not hold; or the caller cannot be authenticated while the verification stores are down. Nothing was recorded',
  })
  async reveal(
    @Param('id', KeyIdPipe) id: string,
    @Query('tenant', TenantQueryPipe) tenant: string | undefined,
    @Req() request: FastifyRequest,
    @Ctx() context: CommandContext,
  ): Promise<CreatedKeyDto> {
    const revealed = await this.commandBus.execute(new RevealKeyCommand({ keyId: id, tenant }, String(request.id), context));
    return toCreatedKeyRecord(revealed.view, revealed.plaintext);
  }
}
