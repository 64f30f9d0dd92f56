import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsRfc3339DateTime } from '../../input/rfc3339-date-time.decorator';
import { IsAnnotations } from '../../keys/annotations.validator';

/**
 * `gatewayApiKey` as a request. Fireworks' create body reuses the whole message, so the read-only
 * fields (keyId, key, createTime, secure, email, prefix, lastUsed) are accepted and ignored, as a
 * gRPC gateway ignores output-only fields; anything else unknown is refused like everywhere here.
 */
export class FireworksApiKeyInputDto {
  @ApiPropertyOptional({ description: 'Display name for the API key, defaults to "default" if not specified.', maxLength: 100 })
  @IsOptional() @IsString() @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key expires; never if not set. Must be in the future.' })
  @IsOptional() @IsRfc3339DateTime()
  expireTime?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Optional key-value annotations for this API key.' })
  @IsOptional() @IsAnnotations()
  annotations?: Record<string, string>;

  @ApiPropertyOptional({ type: String, readOnly: true }) @Allow() keyId?: unknown;
  @ApiPropertyOptional({ type: String, readOnly: true }) @Allow() key?: unknown;
  @ApiPropertyOptional({ type: String, format: 'date-time', readOnly: true }) @Allow() createTime?: unknown;
  @ApiPropertyOptional({ type: Boolean, readOnly: true }) @Allow() secure?: unknown;
  @ApiPropertyOptional({ type: String, readOnly: true }) @Allow() email?: unknown;
  @ApiPropertyOptional({ type: String, readOnly: true }) @Allow() prefix?: unknown;
  @ApiPropertyOptional({ type: String, format: 'date-time', readOnly: true }) @Allow() lastUsed?: unknown;
}

/** `GatewayCreateApiKeyBody`: `{apiKey}`, required. */
export class FireworksCreateApiKeyBodyDto {
  @ApiProperty({ type: FireworksApiKeyInputDto, description: 'The API key to be created.' })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => FireworksApiKeyInputDto)
  apiKey!: FireworksApiKeyInputDto;
}
