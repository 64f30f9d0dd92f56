import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** The v2 create body as the handler sees it (validated by OrgV2BodyPipe, not the global pipe). */
export interface OrgV2ApiKeyCreate {
  readonly name: string;
  readonly description?: string | null;
}

/**
 * "Request model for creating a new API key (V2)". One decorator per rule, so each failure maps to
 * the matching pydantic error type (missing, string_type, string_too_short, string_too_long).
 */
export class OrgV2ApiKeyCreateDto implements OrgV2ApiKeyCreate {
  @ApiProperty({ description: 'A user-friendly name for the API key.', minLength: 1, maxLength: 100 })
  // Listed last-to-first on purpose: class-validator runs decorators bottom-up, and with
  // stopAtFirstError the first failing rule is the one reported (missing before wrong type, etc.).
  @MaxLength(100) @MinLength(1) @IsString() @IsDefined()
  name!: string;

  @ApiPropertyOptional({ description: 'An optional description for the API key.', maxLength: 255, nullable: true, type: String })
  @MaxLength(255) @IsString() @IsOptional()
  description?: string | null;
}
