import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { FireworksApiKeyHttpController } from './fireworks/fireworks-api-key.http.controller';
import { FusionApiKeyHttpController } from './fusion/fusion-api-key.http.controller';
import { FusionRolesHandler } from './fusion/fusion-roles.handler';
import { FusionRolesHttpController } from './fusion/fusion-roles.http.controller';
import { LuminoApiKeyHttpController } from './lumino/lumino-api-key.http.controller';
import { OrgV2ApiKeyHttpController } from './org-v2/org-v2-api-key.http.controller';

/**
 * Routes that answer in the dialects of other API key systems (../shared/seeds). Each is a thin
 * mapping onto the native commands and queries, run through the same buses: no store, no domain
 * code of their own. Only the shapes of requests, responses and errors differ.
 */
@Module({
  imports: [CqrsModule],
  controllers: [
    FusionApiKeyHttpController,
    FusionRolesHttpController,
    LuminoApiKeyHttpController,
    OrgV2ApiKeyHttpController,
    FireworksApiKeyHttpController,
  ],
  providers: [FusionRolesHandler],
})
export class CompatModule {}
