import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { CommandContext } from '../../keys/command-context';
import { CreateKeyCommand } from '../../keys/creating/create-key.command';
import { GetKeyQuery } from '../../keys/getting/get-key.query';
import { RevokeKeyCommand } from '../../keys/revoking/revoke-key.command';
import { listAllKeys } from '../list-all-keys';
import { isVisibleToLumino, toLuminoApiKey } from './lumino-api-key.mapper';
import { LuminoApiKeyCreateDto } from './lumino-api-key.request.dto';
import { LuminoApiKeyResponseDto, LuminoApiKeyWithSecretResponseDto } from './lumino-api-key.response.dto';
import { LuminoErrorFilter } from './lumino-error.filter';
import { LuminoErrorResponseDto } from './lumino-error.response.dto';
import { LuminoKeyIdPipe } from './lumino-key-id.pipe';
import { LUMINO_TAG } from './lumino.tag';

/**
 * Lumino's `/v1/api-keys`. Lumino documents only create; list, get and delete are added in the
 * same style. Keys created here get a UUID id, as Lumino's schema says; keys whose id is not a
 * UUID are not shown here (LuminoKeyIdPipe).
 */
@ApiTags(LUMINO_TAG)
@ApiSecurity('apiKey')
@ApiBadRequestResponse({ type: LuminoErrorResponseDto, description: 'Bad request' })
@ApiUnauthorizedResponse({ type: LuminoErrorResponseDto, description: 'Unauthorized' })
@UseFilters(LuminoErrorFilter)
@Controller('v1/api-keys')
export class LuminoApiKeyHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Create a new API key' })
  @ApiCreatedResponse({ type: LuminoApiKeyWithSecretResponseDto, description: 'API key created successfully' })
  async create(@Body() body: LuminoApiKeyCreateDto, @Ctx() context: CommandContext): Promise<LuminoApiKeyWithSecretResponseDto> {
    const { view, plaintext } = await this.commandBus.execute(new CreateKeyCommand({ name: body.name, expiresAt: body.expires_at }, context));
    return { ...toLuminoApiKey(view), secret: plaintext };
  }

  @Get()
  @RequireAccess('read')
  @ApiOperation({ summary: 'List API keys with a UUID id, revoked ones included (added beside the documented create)' })
  @ApiOkResponse({ type: [LuminoApiKeyResponseDto] })
  async list(@Req() request: AuthenticatedRequest): Promise<LuminoApiKeyResponseDto[]> {
    const now = new Date();
    return (await listAllKeys(this.queryBus, request.principal!)).filter(isVisibleToLumino).map((v) => toLuminoApiKey(v, now));
  }

  @Get(':id')
  @RequireAccess('read')
  @ApiOperation({ summary: 'One API key (added beside the documented create)' })
  @ApiOkResponse({ type: LuminoApiKeyResponseDto })
  @ApiNotFoundResponse({ type: LuminoErrorResponseDto })
  async get(@Param('id', LuminoKeyIdPipe) id: string, @Req() request: AuthenticatedRequest): Promise<LuminoApiKeyResponseDto> {
    return toLuminoApiKey(await this.queryBus.execute(new GetKeyQuery({ keyId: id }, request.principal!)));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Revoke an API key; answers the key with status REVOKED (added beside the documented create)' })
  @ApiOkResponse({ type: LuminoApiKeyResponseDto })
  @ApiNotFoundResponse({ type: LuminoErrorResponseDto })
  @ApiConflictResponse({ type: LuminoErrorResponseDto, description: 'The key is already revoked' })
  async delete(@Param('id', LuminoKeyIdPipe) id: string, @Ctx() context: CommandContext): Promise<LuminoApiKeyResponseDto> {
    return toLuminoApiKey(await this.commandBus.execute(new RevokeKeyCommand({ keyId: id }, null, context)));
  }
}
