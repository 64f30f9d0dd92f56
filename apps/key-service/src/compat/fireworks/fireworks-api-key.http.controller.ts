import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { KeyDomainError } from '@keys/domain';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { CommandContext } from '../../keys/command-context';
import { CreateKeyCommand } from '../../keys/creating/create-key.command';
import { encodeCursor } from '../../keys/cursor';
import { GetKeyQuery } from '../../keys/getting/get-key.query';
import { KeyIdPipe } from '../../keys/key-id.pipe';
import { ListKeysQuery } from '../../keys/listing/list-keys.query';
import { RevokeKeyCommand } from '../../keys/revoking/revoke-key.command';
import { ownerOfUser, tenantOfAccount } from './fireworks-account';
import { DEFAULT_DISPLAY_NAME, isDeletedForFireworks, toFireworksApiKey } from './fireworks-api-key.mapper';
import { FireworksCreateApiKeyBodyDto } from './fireworks-api-key.request.dto';
import { FireworksCreatedApiKeyDto, FireworksListApiKeysResponseDto } from './fireworks-api-key.response.dto';
import { FireworksDeleteApiKeyBodyDto } from './fireworks-delete-api-key.request.dto';
import { FireworksErrorFilter } from './fireworks-error.filter';
import { FireworksErrorResponseDto } from './fireworks-error.response.dto';
import { FireworksListApiKeysQueryDto } from './fireworks-list-api-keys.query.dto';
import { FIREWORKS_TAG } from './fireworks.tag';

/** An empty object: google.protobuf.Empty, what Fireworks' delete answers. */
type Empty = Record<string, never>;
const EMPTY_SCHEMA = { type: 'object', properties: {}, additionalProperties: false } as const;

/**
 * Fireworks' `/v1/accounts/{account_id}/users/{user_id}/apiKeys`: the account is the tenant, the
 * user the owner. Fireworks documents create; list and delete (its `apiKeys:delete` custom method,
 * and a standard DELETE by keyId) are added in the same style.
 */
@ApiTags(FIREWORKS_TAG)
@ApiBearerAuth('bearer')
@ApiParam({ name: 'account_id', description: 'The Account Id (the tenant)' })
@ApiParam({ name: 'user_id', description: 'The User Id (the key owner)' })
@ApiBadRequestResponse({ type: FireworksErrorResponseDto })
@ApiUnauthorizedResponse({ type: FireworksErrorResponseDto })
@ApiForbiddenResponse({ type: FireworksErrorResponseDto, description: 'Another account than the caller\'s' })
@UseFilters(FireworksErrorFilter)
@Controller('v1/accounts/:account_id/users/:user_id')
export class FireworksApiKeyHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post('apiKeys')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Create API Key', operationId: 'Gateway_CreateApiKey' })
  @ApiOkResponse({ type: FireworksCreatedApiKeyDto, description: 'A successful response.' })
  async create(
    @Param('account_id') accountId: string,
    @Param('user_id') userId: string,
    @Body() body: FireworksCreateApiKeyBodyDto,
    @Ctx() context: CommandContext,
  ): Promise<FireworksCreatedApiKeyDto> {
    const { displayName, expireTime, annotations } = body.apiKey;
    const { view, plaintext } = await this.commandBus.execute(
      new CreateKeyCommand(
        {
          // Protobuf cannot tell an empty string from an unset one: both mean the default.
          name: displayName || DEFAULT_DISPLAY_NAME,
          tenant: tenantOfAccount(context.principal, accountId),
          owner: ownerOfUser(userId),
          expiresAt: expireTime,
          annotations,
        },
        context,
      ),
    );
    return { ...toFireworksApiKey(view), key: plaintext };
  }

  @Get('apiKeys')
  @RequireAccess('read')
  @ApiOperation({ summary: "List the user's API keys (added beside the documented create)", operationId: 'Gateway_ListApiKeys' })
  @ApiOkResponse({ type: FireworksListApiKeysResponseDto, description: 'A successful response.' })
  async list(
    @Param('account_id') accountId: string,
    @Param('user_id') userId: string,
    @Query() query: FireworksListApiKeysQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<FireworksListApiKeysResponseDto> {
    const principal = request.principal!;
    const page = await this.queryBus.execute(
      new ListKeysQuery(
        { tenant: tenantOfAccount(principal, accountId), owner: ownerOfUser(userId), cursor: query.pageToken, limit: query.pageSize ?? 50 },
        principal,
      ),
    );
    // Deleted (revoked) keys are dropped from the page, so a page may hold fewer than pageSize: AIP-158 allows it.
    return {
      apiKeys: page.items.filter((v) => !isDeletedForFireworks(v)).map(toFireworksApiKey),
      nextPageToken: encodeCursor(page.next) ?? '',
    };
  }

  @Post('apiKeys::delete')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Delete API Key by keyId (custom method; added beside the documented create)', operationId: 'Gateway_DeleteApiKey' })
  @ApiOkResponse({ description: 'A successful response: an empty object.', schema: EMPTY_SCHEMA })
  @ApiNotFoundResponse({ type: FireworksErrorResponseDto })
  async deleteByBody(
    @Param('account_id') accountId: string,
    @Param('user_id') userId: string,
    @Body() body: FireworksDeleteApiKeyBodyDto,
    @Ctx() context: CommandContext,
  ): Promise<Empty> {
    return this.delete(accountId, userId, body.keyId, context);
  }

  @Delete('apiKeys/:key_id')
  @HttpCode(200)
  @RequireAccess('manage')
  @ApiOperation({ summary: 'Delete API Key (AIP-135 form of the same; added beside the documented create)' })
  @ApiOkResponse({ description: 'A successful response: an empty object.', schema: EMPTY_SCHEMA })
  @ApiNotFoundResponse({ type: FireworksErrorResponseDto })
  async deleteByPath(
    @Param('account_id') accountId: string,
    @Param('user_id') userId: string,
    @Param('key_id', KeyIdPipe) keyId: string,
    @Ctx() context: CommandContext,
  ): Promise<Empty> {
    return this.delete(accountId, userId, keyId, context);
  }

  /** Revokes the key if it is this account's and this user's; any other key is NOT_FOUND. */
  private async delete(accountId: string, userId: string, keyId: string, context: CommandContext): Promise<Empty> {
    const tenant = tenantOfAccount(context.principal, accountId);
    const owner = ownerOfUser(userId);
    const notFound = new NotFoundException(`API key '${keyId}' not found`);
    // The account names the tenant, so only that account's key of this id is reachable.
    const view = await this.queryBus.execute(new GetKeyQuery({ keyId, tenant }, context.principal));
    if (view.tenant !== tenant || view.owner !== owner || isDeletedForFireworks(view)) throw notFound;
    try {
      await this.commandBus.execute(new RevokeKeyCommand({ keyId, tenant }, null, context));
    } catch (error) {
      if (error instanceof KeyDomainError && error.code === 'KEY_REVOKED') throw notFound;
      throw error;
    }
    return {};
  }
}
