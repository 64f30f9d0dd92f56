import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length, Matches } from 'class-validator';
import { IsOptional } from 'class-validator';
import { ROLE_PATTERN } from '../creating/create-key.request.dto';

export class VerifyKeyRequestDto {
  @ApiProperty({ description: 'The key presented to your service' })
  @IsString() @Length(1, 512)
  key!: string;

  @ApiPropertyOptional({ type: [String], description: 'Roles the key must all have, else INSUFFICIENT_ROLES' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ROLE_PATTERN, { each: true, message: 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  roles?: string[];
}

export class WhoamiRequestDto {
  @ApiProperty({ description: 'Your own key' })
  @IsString() @Length(1, 512)
  key!: string;
}
