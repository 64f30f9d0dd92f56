import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiPayloadTooLargeResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { BULK_BODY_TOO_LARGE, BulkBody } from '../../input/bulk-body.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { ImportKeysCommand } from './import-keys.command';
import { ImportKeysRequestDto } from './import-keys.request.dto';
import { ImportKeysResponseDto } from './import-keys.response.dto';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class ImportKeysHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('import')
  @BulkBody()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import up to 1,000 keys of another system by the SHA-256 of their plaintext; each item succeeds or fails on its own',
    description: 'An imported key verifies with its original plaintext. Per item, not atomic; the imported keys are appended in one write.',
  })
  @ApiOkResponse({ type: ImportKeysResponseDto })
  @ApiPayloadTooLargeResponse({ description: BULK_BODY_TOO_LARGE })
  importKeys(@Body() body: ImportKeysRequestDto, @Ctx() context: CommandContext): Promise<ImportKeysResponseDto> {
    return this.commandBus.execute(new ImportKeysCommand(body.keys, context));
  }
}
