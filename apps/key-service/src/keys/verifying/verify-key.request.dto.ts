import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsOptional } from 'class-validator';
import { MAX_PERMISSION_QUERY_LENGTH } from '@key-service/verifier';
import { ROLE_PATTERN } from '../creating/create-key.request.dto';

export class VerifyKeyRequestDto {
  @ApiProperty({ description: 'The key presented to your service' })
  @IsString() @Length(1, 512)
  key!: string;

  @ApiPropertyOptional({ type: [String], description: 'Roles the key must all have, else INSUFFICIENT_ROLES' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ROLE_PATTERN, { each: true, message: 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  roles?: string[];

  // Access context (docs/security.md): who is calling, and what it wants to do.
  @ApiPropertyOptional({
    description: "The address of the request your service is serving. A key with allowedIps answers FORBIDDEN when it is outside them, or not given (fail closed)",
    example: '203.0.113.7',
    maxLength: 64,
  })
  @IsOptional() @IsString() @Length(1, 64)
  ip?: string;

  @ApiPropertyOptional({
    description:
      'A permission query the key\'s permissions must satisfy, else INSUFFICIENT_PERMISSIONS: names joined by AND / OR (any case; AND binds tighter) with parentheses. ' +
      'A malformed query is a 400 naming the position (0-based)',
    example: '(orders.read OR orders.write) AND billing.read',
    maxLength: MAX_PERMISSION_QUERY_LENGTH,
  })
  @IsOptional() @IsString() @MaxLength(MAX_PERMISSION_QUERY_LENGTH)
  permissions?: string;
}

export class WhoamiRequestDto {
  @ApiProperty({ description: 'Your own key' })
  @IsString() @Length(1, 512)
  key!: string;
}
