import { ApiProperty } from '@nestjs/swagger';

export class ImportedKeyDto {
  @ApiProperty({ description: 'The item\'s place in the request' }) index!: number;
  @ApiProperty({ description: 'The hash as sent' }) hash!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty() tenant!: string;
}

export class FailedImportDto {
  @ApiProperty({ description: 'The item\'s place in the request' }) index!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The hash as sent; null when it was not a string' }) hash!: string | null;
  @ApiProperty({ description: 'The status a single create of this item would get', example: 409 }) status!: number;
  @ApiProperty({ description: 'The message a single create of this item would get', example: "Key 'legacy-1' already exists" }) reason!: string;
}

export class ImportKeysResponseDto {
  @ApiProperty({ type: [ImportedKeyDto] }) imported!: ImportedKeyDto[];
  @ApiProperty({ type: [FailedImportDto] }) failed!: FailedImportDto[];
}
