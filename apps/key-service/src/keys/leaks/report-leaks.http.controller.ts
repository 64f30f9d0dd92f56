import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireAccess } from '../../auth/access.decorator';
import { Ctx } from '../../auth/command-context.decorator';
import { CommandContext } from '../command-context';
import { LeakedKeyReporter } from './leaked-key.reporter';
import { ReportLeaksRequestDto } from './report-leaks.request.dto';
import { ReportLeaksResponseDto } from './report-leaks.response.dto';

@ApiTags('leaks')
@ApiSecurity('apiKey')
@Controller('v1/keys/leaks')
@RequireAccess('report-leaks')
export class ReportLeaksHttpController {
  constructor(private readonly reporter: LeakedKeyReporter) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: "A company's own scanner reports leaked plaintexts: every live key among them is revoked before this call returns (root, admin or security)" })
  @ApiOkResponse({ type: ReportLeaksResponseDto })
  async report(@Body() body: ReportLeaksRequestDto, @Ctx() context: CommandContext): Promise<ReportLeaksResponseDto> {
    const leak = { url: body.url ?? null, source: body.source ?? null };
    const verdicts = await this.reporter.report(body.keys.map((token) => ({ token, leak })), context.principal.actor, context.correlationId);
    return { results: verdicts.map(({ tokenHash, label }) => ({ tokenHash, label })) };
  }
}
