import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { AuthenticatedRequest } from '../../auth/management-auth.guard';
import { KeyIdPipe } from '../key-id.pipe';
import { KeyVerificationsQuery } from './key-verifications.query';
import { TenantVerificationsQuery } from './tenant-verifications.query';
import { verificationWindow } from './verification-window';
import { VerificationsQueryDto } from './verifications.query.dto';
import { KeyVerificationsDto, TenantVerificationsDto } from './verifications.response.dto';

@ApiTags('analytics')
@ApiSecurity('apiKey')
@Controller('v1')
@RequireAccess('read')
export class VerificationsHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('keys/:id/verifications')
  @ApiOperation({ summary: "A key's verify answers per minute, hour or day, by code (only buckets with answers)" })
  @ApiOkResponse({ type: KeyVerificationsDto })
  async forKey(
    @Param('id', KeyIdPipe) id: string,
    @Query() query: VerificationsQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeyVerificationsDto> {
    const range = verificationWindow(query);
    return this.queryBus.execute(new KeyVerificationsQuery({ keyId: id, tenant: query.tenant }, range, request.principal!));
  }

  @Get('verifications')
  @ApiOperation({ summary: "The caller's tenant's verify answers per bucket, summed over its keys, and its top keys by volume and by rejections" })
  @ApiOkResponse({ type: TenantVerificationsDto })
  async forTenant(@Query() query: VerificationsQueryDto, @Req() request: AuthenticatedRequest): Promise<TenantVerificationsDto> {
    const range = verificationWindow(query);
    return this.queryBus.execute(new TenantVerificationsQuery(query.tenant, range, request.principal!));
  }
}
