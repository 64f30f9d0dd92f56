import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IMPORTED_HASH_ENCODINGS, ImportedHashEncoding } from '@key-service/verifier';
import { CreateKeyRequestDto } from '../creating/create-key.request.dto';

/** A key of another system, by the SHA-256 of its plaintext, with what a create takes besides. */
export class ImportKeyRequestDto extends CreateKeyRequestDto {
  @ApiProperty({ description: 'SHA-256 of the full plaintext key, in `hashAlgorithm`\'s encoding', example: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' })
  @IsString() @MaxLength(128)
  hash!: string;

  @ApiProperty({ enum: IMPORTED_HASH_ENCODINGS, description: 'sha256-base64 is Unkey\'s default' })
  @IsIn(IMPORTED_HASH_ENCODINGS, { message: `hashAlgorithm must be one of ${IMPORTED_HASH_ENCODINGS.join(', ')}` })
  hashAlgorithm!: ImportedHashEncoding;
}
