import type { components, operations } from './generated/openapi';

type Schemas = components['schemas'];

// Names for the generated request and response types (src/generated/openapi.ts), as callers use them.
export type KeyRecord = Schemas['KeyRecordDto'];
export type CreateKeyRequest = Schemas['CreateKeyRequestDto'];
export type CreatedKey = Schemas['CreatedKeyDto'];
export type KeyList = Schemas['KeyListDto'];
export type UpdateKeyRequest = Schemas['UpdateKeyRequestDto'];
export type RotateKeyRequest = Schemas['RotateKeyRequestDto'];
export type RotatedKey = Schemas['RotatedKeyDto'];
export type ReasonRequest = Schemas['ReasonRequestDto'];
export type VerifyKeyRequest = Schemas['VerifyKeyRequestDto'];
export type VerifyKeyResponse = Schemas['VerifyKeyResponseDto'];
export type WhoamiRequest = Schemas['WhoamiRequestDto'];
export type AuditPage = Schemas['AuditPageDto'];
export type AuditEvent = Schemas['AuditEventDto'];
export type ErrorResponse = Schemas['ErrorResponseDto'];

export type ListKeysQuery = NonNullable<operations['ListKeysHttpController_list']['parameters']['query']>;
export type AuditQuery = NonNullable<operations['AuditHttpController_audit']['parameters']['query']>;

/** Names a key's tenant: root keys only (ids are unique per tenant; docs/api.md). */
export interface TenantOption {
  readonly tenant?: string;
}

export interface GetKeyOptions extends TenantOption {
  /** The key as it was at this instant (ISO-8601). */
  readonly at?: string;
}

export interface UpdateKeyOptions extends TenantOption {
  /** The `version` last seen: the update fails with 412 when the key changed since. */
  readonly ifMatch?: number;
}
