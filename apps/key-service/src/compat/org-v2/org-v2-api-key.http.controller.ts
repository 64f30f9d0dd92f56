import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { CommandContext } from '../../keys/command-context';
import { CreateKeyCommand } from '../../keys/creating/create-key.command';
import { GetKeyQuery } from '../../keys/getting/get-key.query';
import { KeyIdPipe } from '../../keys/key-id.pipe';
import { RevokeKeyCommand } from '../../keys/revoking/revoke-key.command';
import { listAllKeys } from '../list-all-keys';
import { toOrgV2ApiKey } from './org-v2-api-key.mapper';
import { OrgV2ApiKeyCreateDto } from './org-v2-api-key.request.dto';
import type { OrgV2ApiKeyCreate } from './org-v2-api-key.request.dto';
import { OrgV2ApiKeyCreateResponseDto, OrgV2ApiKeyResponseDto } from './org-v2-api-key.response.dto';
import { OrgV2BodyPipe } from './org-v2-body.pipe';
import { OrgV2ErrorFilter } from './org-v2-error.filter';
import { OrgV2ErrorResponseDto } from './org-v2-error.response.dto';
import { ORG_V2_TAG } from './org-v2.tag';

/**
 * The org-scoped v2 API keys API: the org is the caller's tenant. It documents only create; list,
 * get and delete are added in the same style.
 */
@ApiTags(ORG_V2_TAG)
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: OrgV2ErrorResponseDto })
@UseFilters(OrgV2ErrorFilter)
@Controller('api/v2/api-keys')
export class OrgV2ApiKeyHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Create API Key (the private key is in this response only)' })
  @ApiBody({ type: OrgV2ApiKeyCreateDto })
  @ApiOkResponse({ type: OrgV2ApiKeyCreateResponseDto, description: 'Successful Response' })
  @ApiUnprocessableEntityResponse({ type: OrgV2ErrorResponseDto, description: 'Validation Error' })
  async create(
    @Body(new OrgV2BodyPipe(OrgV2ApiKeyCreateDto)) body: OrgV2ApiKeyCreate,
    @Ctx() context: CommandContext,
  ): Promise<OrgV2ApiKeyCreateResponseDto> {
    const { view, plaintext } = await this.commandBus.execute(
      new CreateKeyCommand({ name: body.name, description: body.description ?? undefined }, context),
    );
    return { ...toOrgV2ApiKey(view), private_key: plaintext };
  }

  /**
   * The seed's curl posts to `/api/v2/api-keys/`. Fastify matches paths exactly and Nest strips one
   * trailing slash from route paths, so `'//'` is what registers the slashed path. If bootstrap ever
   * sets Fastify's `ignoreTrailingSlash`, remove this alias: both would claim the same route.
   */
  @Post('//')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Create API Key, at the path with the trailing slash that the seed\'s curl uses' })
  @ApiBody({ type: OrgV2ApiKeyCreateDto })
  @ApiOkResponse({ type: OrgV2ApiKeyCreateResponseDto, description: 'Successful Response' })
  @ApiUnprocessableEntityResponse({ type: OrgV2ErrorResponseDto, description: 'Validation Error' })
  createWithTrailingSlash(
    @Body(new OrgV2BodyPipe(OrgV2ApiKeyCreateDto)) body: OrgV2ApiKeyCreate,
    @Ctx() context: CommandContext,
  ): Promise<OrgV2ApiKeyCreateResponseDto> {
    return this.create(body, context);
  }

  @Get()
  @RequireAccess('read')
  @ApiOperation({ summary: 'List API Keys, revoked ones included (added beside the documented create)' })
  @ApiOkResponse({ type: [OrgV2ApiKeyResponseDto], description: 'Successful Response' })
  async list(@Req() request: AuthenticatedRequest): Promise<OrgV2ApiKeyResponseDto[]> {
    return (await listAllKeys(this.queryBus, request.principal!)).map(toOrgV2ApiKey);
  }

  @Get(':id')
  @RequireAccess('read')
  @ApiOperation({ summary: 'Get API Key (added beside the documented create)' })
  @ApiOkResponse({ type: OrgV2ApiKeyResponseDto, description: 'Successful Response' })
  @ApiNotFoundResponse({ type: OrgV2ErrorResponseDto })
  async get(@Param('id', KeyIdPipe) id: string, @Req() request: AuthenticatedRequest): Promise<OrgV2ApiKeyResponseDto> {
    return toOrgV2ApiKey(await this.queryBus.execute(new GetKeyQuery({ keyId: id }, request.principal!)));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Revoke API Key; answers the key with is_revoked true (added beside the documented create)' })
  @ApiOkResponse({ type: OrgV2ApiKeyResponseDto, description: 'Successful Response' })
  @ApiNotFoundResponse({ type: OrgV2ErrorResponseDto })
  @ApiConflictResponse({ type: OrgV2ErrorResponseDto, description: 'The key is already revoked' })
  async delete(@Param('id', KeyIdPipe) id: string, @Ctx() context: CommandContext): Promise<OrgV2ApiKeyResponseDto> {
    return toOrgV2ApiKey(await this.commandBus.execute(new RevokeKeyCommand({ keyId: id }, null, context)));
  }
}
