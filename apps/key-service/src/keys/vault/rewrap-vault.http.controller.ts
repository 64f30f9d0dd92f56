import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { KeyVault } from './key-vault.service';
import { RewrapVaultResponseDto } from './rewrap-vault.response.dto';

/**
 * Rotating the key-encryption key (docs/security.md): start every instance with the new one in
 * KEY_ENCRYPTION_KEY and the old one in KEY_ENCRYPTION_KEY_PREVIOUS, call this once, then drop
 * the old one. Idempotent: a second call re-wraps nothing.
 */
@ApiTags('vault')
@ApiSecurity('apiKey')
@Controller('v1/vault')
@RequireAccess('manage-vault')
export class RewrapVaultHttpController {
  constructor(private readonly vault: KeyVault) {}

  @Post('rewrap')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-wrap every recoverable key\'s data key under the current KEY_ENCRYPTION_KEY (root key only)' })
  @ApiOkResponse({ type: RewrapVaultResponseDto })
  @ApiForbiddenResponse({ description: 'Only the root key may re-wrap the vault' })
  @ApiServiceUnavailableResponse({ description: 'No KEY_ENCRYPTION_KEY is configured; or the caller cannot be authenticated while the verification stores are down' })
  rewrap(): Promise<RewrapVaultResponseDto> {
    return this.vault.rewrap();
  }
}
