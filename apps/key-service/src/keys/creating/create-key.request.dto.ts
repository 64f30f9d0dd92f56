import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';
import { IsAnnotations } from '../annotations.validator';
import { QuotaInputDto, RateLimitInputDto } from '../limits.dto';
import { ALLOWED_IPS_DOC, PERMISSIONS_DOC } from '../access/access.openapi';
import { IsIpAllowlist } from '../access/ip-allowlist.validator';
import { IsKeyPermissions } from '../access/permissions.validator';

export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** Tenants and ids never hold `/`: a key's stream id is `<tenant>/<id>` (keyStreamId). */
export const TENANT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const TENANT_PATTERN_MESSAGE = 'tenant must be 1-64 characters of A-Z a-z 0-9 . _ -';
export const ROLE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export class CreateKeyRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'ci deploys' })
  @IsString() @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ description: 'Only the root key may set it; defaults to the caller\'s tenant, or "default"' })
  @IsOptional() @IsString() @Matches(TENANT_PATTERN, { message: TENANT_PATTERN_MESSAGE })
  tenant?: string;

  @ApiPropertyOptional({ description: 'Caller-chosen id, unique within the tenant (another tenant may use the same); a UUID is generated otherwise', pattern: KEY_ID_PATTERN.source })
  @IsOptional() @IsString() @Matches(KEY_ID_PATTERN, { message: 'id must be 1-128 characters of A-Z a-z 0-9 . _ -' })
  id?: string;

  @ApiPropertyOptional({ type: [String], example: ['deploy'] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ROLE_PATTERN, { each: true, message: 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  roles?: string[];

  @ApiPropertyOptional({ description: 'Who the key belongs to (user, team, service)' })
  @IsOptional() @IsString() @Length(1, 128)
  owner?: string;

  @ApiPropertyOptional({ example: 'production' })
  @IsOptional() @IsString() @Length(1, 64)
  environment?: string;

  @ApiPropertyOptional({ description: 'Key prefix, 1-16 lowercase letters or digits', example: 'sk' })
  @IsOptional() @Matches(/^[a-z][a-z0-9]{0,15}$/, { message: 'prefix must be 1-16 lowercase letters or digits, starting with a letter' })
  prefix?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Must be in the future' })
  @IsOptional() @IsRfc3339DateTime()
  expiresAt?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional() @IsAnnotations()
  annotations?: Record<string, string>;

  @ApiPropertyOptional({ type: RateLimitInputDto })
  @IsOptional() @ValidateNested() @Type(() => RateLimitInputDto)
  rateLimit?: RateLimitInputDto;

  @ApiPropertyOptional({ type: QuotaInputDto })
  @IsOptional() @ValidateNested() @Type(() => QuotaInputDto)
  quota?: QuotaInputDto;

  // Access restrictions (docs/security.md): where the key may be used from, and what it may do.
  @ApiPropertyOptional(ALLOWED_IPS_DOC)
  @IsOptional() @IsIpAllowlist()
  allowedIps?: string[] | null;

  @ApiPropertyOptional(PERMISSIONS_DOC)
  @IsOptional() @IsKeyPermissions()
  permissions?: string[];
}
