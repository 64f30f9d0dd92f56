import { Controller, Get, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { FusionRoleDto } from './fusion-role.response.dto';
import { FusionRolesQuery } from './fusion-roles.query';
import { FUSION_TAG } from './fusion.tag';

/** `GET /api/roles`, which Fusion's ApiKeyRequest points to for the role names a key may carry. */
@ApiTags(FUSION_TAG)
@ApiSecurity('apiKey')
@Controller('api/roles')
@RequireAccess('read')
export class FusionRolesHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'The roles in use on keys (roles are free strings here, not managed objects)' })
  @ApiOkResponse({ type: [FusionRoleDto] })
  async list(@Req() request: AuthenticatedRequest): Promise<FusionRoleDto[]> {
    const roles = await this.queryBus.execute(new FusionRolesQuery(request.principal!));
    return roles.map((name) => ({ id: name, name }));
  }
}
