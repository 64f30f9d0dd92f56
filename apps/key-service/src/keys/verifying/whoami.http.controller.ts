import { Body, Controller, HttpCode, Inject, NotFoundException, Post, Req } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { callerAddressOf } from '../../auth/caller-address';
import { Public } from '../../auth/public.decorator';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { GetKeyQuery } from '../getting/get-key.query';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { KeyVerifier } from '@key-service/verifier';
import { WhoamiRequestDto } from './verify-key.request.dto';

/** POST /v1/keys/verify itself is a plain Fastify route: verify-key.route.ts. */
@ApiTags('verify')
@Controller('v1/keys')
@Public()
export class WhoamiHttpController {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly queryBus: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('whoami')
  @HttpCode(200)
  @ApiOperation({ summary: 'The record of the key you hold (no secret); 404 unless the key is valid' })
  @ApiOkResponse({ type: KeyRecordDto })
  @ApiNotFoundResponse({ description: 'The key is not valid; the message gives its verify code' })
  @ApiServiceUnavailableResponse({ description: 'Key verification is unavailable (Redis and PostgreSQL both unreachable)' })
  async whoami(@Body() body: WhoamiRequestDto, @Req() request: FastifyRequest): Promise<KeyRecordDto> {
    // The holder asks from where it is: a key with an IP allowlist answers only inside it.
    const result = await this.verifier.verify(body.key, [], { ip: callerAddressOf(request, this.config.trustedProxies) });
    if (!result.valid || !result.keyId || !result.tenant) throw new NotFoundException(`Key not valid: ${result.code}`);
    const view = await this.queryBus.execute(
      new GetKeyQuery({ keyId: result.keyId }, { actor: { type: 'key', id: result.keyId }, tenant: result.tenant, roles: [], isRoot: false }),
    );
    return toKeyRecord(view);
  }
}
