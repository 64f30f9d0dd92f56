import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiPayloadTooLargeResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { BULK_BODY_TOO_LARGE, BulkBody } from '../../input/bulk-body.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { toCreatedKeyRecord } from '../key-record.dto';
import { CreateKeysCommand } from './create-keys.command';
import { CreateKeysRequestDto } from './create-keys.request.dto';
import { CreateKeysResponseDto } from './create-keys.response.dto';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class CreateKeysHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('batch')
  @BulkBody()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create up to 1,000 keys in one call; each item succeeds or fails on its own',
    description: 'Per item, not atomic: each result is what `POST /v1/keys` would answer for that item. The created keys are appended in one write.',
  })
  @ApiOkResponse({ type: CreateKeysResponseDto })
  @ApiPayloadTooLargeResponse({ description: BULK_BODY_TOO_LARGE })
  async createMany(@Body() body: CreateKeysRequestDto, @Ctx() context: CommandContext): Promise<CreateKeysResponseDto> {
    const results = await this.commandBus.execute(new CreateKeysCommand(body.keys, context));
    return {
      results: results.map((r) =>
        'error' in r ? { status: r.error.statusCode, error: r.error } : { status: 201, key: toCreatedKeyRecord(r.view, r.plaintext) },
      ),
    };
  }
}
