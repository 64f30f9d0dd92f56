import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { KeyVerificationsHandler } from './analytics/key-verifications.handler';
import { TenantVerificationsHandler } from './analytics/tenant-verifications.handler';
import { VerificationsHttpController } from './analytics/verifications.http.controller';
import { AuditHttpController } from './auditing/audit.http.controller';
import { AuditHandler } from './auditing/audit.handler';
import { KeyHistoryHandler } from './auditing/key-history.handler';
import { CreateKeysHandler } from './batch-creating/create-keys.handler';
import { CreateKeysHttpController } from './batch-creating/create-keys.http.controller';
import { ImportKeysHandler } from './importing/import-keys.handler';
import { ImportKeysHttpController } from './importing/import-keys.http.controller';
import { CreateKeyHandler } from './creating/create-key.handler';
import { CreateKeyHttpController } from './creating/create-key.http.controller';
import { DisableKeyHandler } from './disabling/disable-key.handler';
import { DisableKeyHttpController } from './disabling/disable-key.http.controller';
import { EnableKeyHandler } from './enabling/enable-key.handler';
import { EnableKeyHttpController } from './enabling/enable-key.http.controller';
import { GetKeyHandler } from './getting/get-key.handler';
import { GetKeyHttpController } from './getting/get-key.http.controller';
import { KeyAddressResolver } from './key-address.resolver';
import { KeyChangeSettler } from './key-change.settler';
import { KeyRepository } from './key.repository';
import { ListKeysHandler } from './listing/list-keys.handler';
import { ListKeysHttpController } from './listing/list-keys.http.controller';
import { RevokeKeyHandler } from './revoking/revoke-key.handler';
import { RevokeKeyHttpController } from './revoking/revoke-key.http.controller';
import { RotateKeyHandler } from './rotating/rotate-key.handler';
import { RotateKeyHttpController } from './rotating/rotate-key.http.controller';
import { UpdateKeyHandler } from './updating/update-key.handler';
import { UpdateKeyHttpController } from './updating/update-key.http.controller';
import { RecordKeyUsageHandler } from './using/record-key-usage.handler';
import { UsageFlusher } from './using/usage-flusher.service';
import { KeyVerifier } from '@key-service/verifier';
import { keyVerifierProvider } from './verifying/key-verifier.provider';
import { VerifyKeyRoute } from './verifying/verify-key.route';
import { GithubLeakReportRoute } from './leaks/github-leak-report.route';
import { LeakedKeyReporter } from './leaks/leaked-key.reporter';
import { ReportLeaksHttpController } from './leaks/report-leaks.http.controller';
import { WhoamiHttpController } from './verifying/whoami.http.controller';

/** The key lifecycle: one vertical slice per use case, each a controller, a command or query, and its handler. */
@Module({
  imports: [CqrsModule],
  controllers: [
    // Static paths before :id routes so /v1/keys/whoami is never read as a key id.
    WhoamiHttpController,
    ReportLeaksHttpController,
    CreateKeyHttpController,
    CreateKeysHttpController,
    ImportKeysHttpController,
    ListKeysHttpController,
    GetKeyHttpController,
    UpdateKeyHttpController,
    RevokeKeyHttpController,
    DisableKeyHttpController,
    EnableKeyHttpController,
    RotateKeyHttpController,
    AuditHttpController,
    VerificationsHttpController,
  ],
  providers: [
    KeyRepository,
    KeyChangeSettler,
    KeyAddressResolver,
    keyVerifierProvider,
    VerifyKeyRoute,
    LeakedKeyReporter,
    GithubLeakReportRoute,
    UsageFlusher,
    CreateKeyHandler,
    CreateKeysHandler,
    ImportKeysHandler,
    UpdateKeyHandler,
    RevokeKeyHandler,
    DisableKeyHandler,
    EnableKeyHandler,
    RotateKeyHandler,
    RecordKeyUsageHandler,
    GetKeyHandler,
    ListKeysHandler,
    KeyHistoryHandler,
    AuditHandler,
    KeyVerificationsHandler,
    TenantVerificationsHandler,
  ],
  exports: [KeyRepository, KeyAddressResolver, KeyVerifier, UsageFlusher, CqrsModule],
})
export class KeysModule {}
