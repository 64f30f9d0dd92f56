import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';
import { IsAnnotations } from '../annotations.validator';
import { ROLE_PATTERN } from '../creating/create-key.request.dto';
import { QuotaInputDto, RateLimitInputDto } from '../limits.dto';
import { ALLOWED_IPS_DOC, PERMISSIONS_DOC } from '../access/access.openapi';
import { IsIpAllowlist } from '../access/ip-allowlist.validator';
import { IsKeyPermissions } from '../access/permissions.validator';

/** Every field optional; `null` clears description, expiresAt, owner, environment, rateLimit, quota and allowedIps. */
export class UpdateKeyRequestDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional() @IsString() @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 255, nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MaxLength(255)
  description?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ROLE_PATTERN, { each: true, message: 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  roles?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional() @IsAnnotations()
  annotations?: Record<string, string>;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsRfc3339DateTime({ orNull: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 128, nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @Length(1, 128)
  owner?: string | null;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 64, nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @Length(1, 64)
  environment?: string | null;

  @ApiPropertyOptional({ type: RateLimitInputDto, nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined) @ValidateNested() @Type(() => RateLimitInputDto)
  rateLimit?: RateLimitInputDto | null;

  @ApiPropertyOptional({ type: QuotaInputDto, nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined) @ValidateNested() @Type(() => QuotaInputDto)
  quota?: QuotaInputDto | null;

  // Access restrictions (docs/security.md): `allowedIps: null` lifts the allowlist, absent leaves it.
  @ApiPropertyOptional({ ...ALLOWED_IPS_DOC, description: `${ALLOWED_IPS_DOC.description}. null lifts the restriction; absent leaves it as it is` })
  @ValidateIf((_, v) => v !== null && v !== undefined) @IsIpAllowlist()
  allowedIps?: string[] | null;

  @ApiPropertyOptional({ ...PERMISSIONS_DOC, description: `${PERMISSIONS_DOC.description}. Replaces the key's permissions; [] removes them all` })
  // null is refused, not read as []: an update says which permissions the key keeps.
  @ValidateIf((_, v) => v !== undefined) @IsKeyPermissions()
  permissions?: string[];
}
