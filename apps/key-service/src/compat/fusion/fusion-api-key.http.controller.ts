import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { KeyDomainError } from '@keys/domain';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { CommandContext } from '../../keys/command-context';
import { CreateKeyCommand } from '../../keys/creating/create-key.command';
import { GetKeyQuery } from '../../keys/getting/get-key.query';
import { KeyIdPipe } from '../../keys/key-id.pipe';
import { RevokeKeyCommand } from '../../keys/revoking/revoke-key.command';
import { listAllKeys } from '../list-all-keys';
import { isDeletedForFusion, toFusionApiKey } from './fusion-api-key.mapper';
import { FusionApiKeyRequestDto } from './fusion-api-key.request.dto';
import { FusionApiKeyDto, FusionCreatedApiKeyDto } from './fusion-api-key.response.dto';
import { FUSION_TAG } from './fusion.tag';

/**
 * Lucidworks Fusion 5.9 `/api/api-key`. Fusion documents no error body, so errors keep the native
 * `{statusCode, error, message}` shape (the global filter); a bad request is a 400, not Fusion's 500.
 */
@ApiTags(FUSION_TAG)
@ApiSecurity('apiKey')
@Controller('api/api-key')
export class FusionApiKeyHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Create an API key (Fusion: 200, the key only in this response)' })
  @ApiOkResponse({ type: FusionCreatedApiKeyDto, description: 'Key created.' })
  @ApiBadRequestResponse({ description: 'The key could not be created. Check the syntax of your request.' })
  @ApiConflictResponse({ description: 'A key with this `id` already exists' })
  async create(@Body() body: FusionApiKeyRequestDto, @Ctx() context: CommandContext): Promise<FusionCreatedApiKeyDto> {
    const { view, plaintext } = await this.commandBus.execute(
      new CreateKeyCommand({ id: body.id, name: body.name, roles: body.roles }, context),
    );
    return { ...toFusionApiKey(view), key: plaintext };
  }

  @Get()
  @RequireAccess('read')
  @ApiOperation({ summary: 'List all API keys (never the key values; deleted keys are left out)' })
  @ApiOkResponse({ type: [FusionApiKeyDto] })
  async list(@Req() request: AuthenticatedRequest): Promise<FusionApiKeyDto[]> {
    const now = new Date();
    const views = await listAllKeys(this.queryBus, request.principal!);
    return views.filter((v) => !isDeletedForFusion(v)).map((v) => toFusionApiKey(v, now));
  }

  @Get(':id')
  @RequireAccess('read')
  @ApiOperation({ summary: 'Details of one API key (never the key value)' })
  @ApiOkResponse({ type: FusionApiKeyDto })
  async get(@Param('id', KeyIdPipe) id: string, @Req() request: AuthenticatedRequest): Promise<FusionApiKeyDto> {
    const view = await this.queryBus.execute(new GetKeyQuery({ keyId: id }, request.principal!));
    if (isDeletedForFusion(view)) throw new NotFoundException(`Key '${id}' not found`);
    return toFusionApiKey(view);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Delete an API key: 200 with no body. The key is revoked; its history is kept.' })
  @ApiOkResponse({ description: 'Deleted' })
  async delete(@Param('id', KeyIdPipe) id: string, @Ctx() context: CommandContext): Promise<void> {
    try {
      await this.commandBus.execute(new RevokeKeyCommand({ keyId: id }, null, context));
    } catch (error) {
      // Already revoked means already deleted, which a Fusion client knows as "not found".
      if (error instanceof KeyDomainError && error.code === 'KEY_REVOKED') throw new NotFoundException(`Key '${id}' not found`);
      throw error;
    }
  }
}
