import { Body, Controller, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { KeyServiceMetrics } from '../../metrics/key-service.metrics';
import { GetKeyQuery } from '../getting/get-key.query';
import { KeyRecordDto, toKeyRecord } from '../key-record.dto';
import { KeyVerifier } from '@keys/verification';
import { VerifyKeyRequestDto, WhoamiRequestDto } from './verify-key.request.dto';
import { VerifyKeyResponseDto } from './verify-key.response.dto';

@ApiTags('verify')
@Controller('v1/keys')
@RequireAccess('public')
export class VerifyKeyHttpController {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly queryBus: QueryBus,
    private readonly metrics: KeyServiceMetrics,
  ) {}

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Is this key valid? Always 200; the answer is in `valid` and `code`' })
  @ApiOkResponse({ type: VerifyKeyResponseDto })
  async verify(@Body() body: VerifyKeyRequestDto): Promise<VerifyKeyResponseDto> {
    const stop = this.metrics.verifyDuration.startTimer();
    const result = await this.verifier.verify(body.key, body.roles ?? []);
    stop({ code: result.code });
    return { ...result, roles: result.roles ? [...result.roles] : undefined };
  }

  @Post('whoami')
  @HttpCode(200)
  @ApiOperation({ summary: 'The record of the key you hold (no secret); 404 unless the key is valid' })
  @ApiOkResponse({ type: KeyRecordDto })
  async whoami(@Body() body: WhoamiRequestDto): Promise<KeyRecordDto> {
    const result = await this.verifier.verify(body.key);
    if (!result.valid || !result.keyId) throw new NotFoundException(`Key not valid: ${result.code}`);
    const view = await this.queryBus.execute(
      new GetKeyQuery(result.keyId, { actor: { type: 'key', id: result.keyId }, tenant: result.tenant ?? null, roles: [], isRoot: false }),
    );
    return toKeyRecord(view);
  }
}
