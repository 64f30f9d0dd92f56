import { ApiProperty } from '@nestjs/swagger';

/** A v2 key as list, get and delete show it: the create response without `private_key`. */
export class OrgV2ApiKeyResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid', description: "The caller's tenant: itself if a UUID, else a UUIDv5 of its name" }) org_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The public, non-secret identifier of the key (its key id)' }) public_key!: string;
  @ApiProperty({ description: 'The private key masked: prefix and last four characters', example: 'sk_…a1B2' })
  private_key_display!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ default: false }) is_revoked!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_used_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) environment!: string | null;
}

/** "V2 API Key Create Response": the private key, shown this once. */
export class OrgV2ApiKeyCreateResponseDto extends OrgV2ApiKeyResponseDto {
  @ApiProperty({ description: 'The private key for authentication' }) private_key!: string;
}
