import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiSecurity, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { CreatedKeyDto, toCreatedKeyRecord } from '../key-record.dto';
import { CreateKeyCommand } from './create-key.command';
import { CreateKeyRequestDto } from './create-key.request.dto';

@ApiTags('keys')
@ApiSecurity('apiKey')
@Controller('v1/keys')
@RequireAccess('manage')
export class CreateKeyHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a key; the plaintext is in this response only' })
  @ApiCreatedResponse({ type: CreatedKeyDto })
  @ApiConflictResponse({ description: 'A key with this `id` already exists' })
  @ApiServiceUnavailableResponse({
    description: '`recoverable: true` but no KEY_ENCRYPTION_KEY is configured (distributed topology); or the caller cannot be authenticated while the verification stores are down. Nothing was changed',
  })
  async create(@Body() body: CreateKeyRequestDto, @Ctx() context: CommandContext): Promise<CreatedKeyDto> {
    const { view, plaintext } = await this.commandBus.execute(new CreateKeyCommand(body, context));
    return toCreatedKeyRecord(view, plaintext);
  }
}
