import { ApiProperty } from '@nestjs/swagger';

/** Fusion's `ApiKeyDto` as list and get show it: never the key. */
export class FusionApiKeyDto {
  @ApiProperty({ example: 'searchaccess' }) name!: string;
  @ApiProperty({ example: 'api-key-searchaccess-16744867518441' }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2023-01-23T15:12:32Z' }) createdAt!: string;
  @ApiProperty({ type: [String], example: ['rules', 'search-template', 'search'] }) roles!: string[];
  @ApiProperty({ description: 'True while the key is disabled or expired: it does not authenticate' }) disabled!: boolean;
}

/** The create response: the same plus the key, shown this once. */
export class FusionCreatedApiKeyDto extends FusionApiKeyDto {
  @ApiProperty({ description: 'The API key. Only in this response: store it now.' }) key!: string;
}
