import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * `gatewayApiKey` as Fireworks returns it. Like protobuf JSON, unset fields are left out:
 * `expireTime` when the key never expires, `lastUsed` until it is used, `email` when the owner is
 * not an email address.
 */
export class FireworksApiKeyDto {
  @ApiProperty({ readOnly: true, description: 'Unique identifier (Key ID) for the API key, used primarily for deletion.' }) keyId!: string;
  @ApiProperty({ description: 'Display name for the API key, defaults to "default" if not specified.' }) displayName!: string;
  @ApiProperty({ format: 'date-time', readOnly: true }) createTime!: string;
  @ApiProperty({ readOnly: true, description: 'Always true: only a hash of the key is kept.' }) secure!: boolean;
  @ApiPropertyOptional({ readOnly: true, description: 'The owning user_id, when it is an email address' }) email?: string;
  @ApiProperty({ readOnly: true, description: 'The prefix every key of this kind starts with', example: 'sk' }) prefix!: string;
  @ApiPropertyOptional({ format: 'date-time' }) expireTime?: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) annotations!: Record<string, string>;
  @ApiPropertyOptional({ format: 'date-time', readOnly: true }) lastUsed?: string;
}

/** The create response: the key value, only available upon creation. */
export class FireworksCreatedApiKeyDto extends FireworksApiKeyDto {
  @ApiProperty({ readOnly: true, description: 'The actual API key value, only available upon creation and not stored thereafter.' }) key!: string;
}

export class FireworksListApiKeysResponseDto {
  @ApiProperty({ type: [FireworksApiKeyDto] }) apiKeys!: FireworksApiKeyDto[];
  @ApiProperty({ description: 'Pass as pageToken for the next page; empty on the last page' }) nextPageToken!: string;
}
