import { ApiProperty } from '@nestjs/swagger';

export class RewrapVaultResponseDto {
  @ApiProperty({ description: 'Id of KEY_ENCRYPTION_KEY, which now wraps every data key it could re-wrap', example: '3f2a9c0d1b7e4a65' })
  currentKekId!: string;

  @ApiProperty({ description: 'Data keys re-wrapped by this call (the ciphertexts are unchanged; no plaintext was opened)' })
  rewrapped!: number;

  @ApiProperty({ description: 'Data keys wrapped by a key-encryption key this service does not hold (neither KEY_ENCRYPTION_KEY nor KEY_ENCRYPTION_KEY_PREVIOUS): left as they were' })
  unreadable!: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Sealed secrets per key-encryption key id, after the re-wrap' })
  byKek!: Record<string, number>;
}
