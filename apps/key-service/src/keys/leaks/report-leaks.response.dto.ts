import { ApiProperty } from '@nestjs/swagger';
import { LeakLabel } from './leaked-key.reporter';

export class LeakVerdictDto {
  @ApiProperty({ description: 'Hex SHA-256 of the reported plaintext, to match the answer to what was sent' })
  tokenHash!: string;

  @ApiProperty({ enum: ['true_positive', 'false_positive'], description: '`true_positive`: a key of this service, now revoked (or revoked already)' })
  label!: LeakLabel;
}

export class ReportLeaksResponseDto {
  @ApiProperty({ type: [LeakVerdictDto], description: 'One per reported plaintext, in order' })
  results!: LeakVerdictDto[];
}
