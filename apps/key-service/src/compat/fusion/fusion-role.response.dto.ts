import { ApiProperty } from '@nestjs/swagger';

/**
 * A role as `GET /api/roles` lists it. Roles here are free strings on keys, not managed objects,
 * so the id is the name: the value a client copies into `ApiKeyRequest.roles`.
 */
export class FusionRoleDto {
  @ApiProperty({ example: 'search' }) id!: string;
  @ApiProperty({ example: 'search' }) name!: string;
}
