import { KeyRecord } from '../api/api.types';
import { fromLocalInput, toLocalInput } from '../ui/format';

/** The editable fields of a key as form text; the API checks the values and says what is wrong. */
export interface KeyFields {
  name: string;
  description: string;
  roles: string;
  owner: string;
  environment: string;
  expiresAt: string;
  annotations: string;
  rateLimited: boolean;
  rateLimit: string;
  rateWindowSeconds: string;
  quotaOn: boolean;
  quotaRemaining: string;
  quotaRefill: '' | 'daily' | 'monthly';
  quotaRefillAmount: string;
  /** One address or CIDR range a line (or comma-separated); empty: any address. */
  allowedIps: string;
  permissions: string;
}

export const EMPTY_FIELDS: KeyFields = {
  name: '',
  description: '',
  roles: '',
  owner: '',
  environment: '',
  expiresAt: '',
  annotations: '',
  rateLimited: false,
  rateLimit: '100',
  rateWindowSeconds: '60',
  quotaOn: false,
  quotaRemaining: '1000',
  quotaRefill: '',
  quotaRefillAmount: '',
  allowedIps: '',
  permissions: '',
};

export function fieldsOf(record: KeyRecord): KeyFields {
  return {
    name: record.name,
    description: record.description ?? '',
    roles: record.roles.join(', '),
    owner: record.owner ?? '',
    environment: record.environment ?? '',
    expiresAt: record.expiresAt === null ? '' : toLocalInput(record.expiresAt),
    annotations: Object.entries(record.annotations)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    rateLimited: record.rateLimit !== null,
    rateLimit: String(record.rateLimit?.limit ?? 100),
    rateWindowSeconds: String((record.rateLimit?.durationMs ?? 60_000) / 1000),
    quotaOn: record.quota !== null,
    quotaRemaining: String(record.quota?.remaining ?? 1000),
    quotaRefill: record.quota?.refill ?? '',
    quotaRefillAmount: record.quota?.refillAmount === null || record.quota === null ? '' : String(record.quota.refillAmount),
    // Records of a service older than allowlists lack both.
    allowedIps: (record.allowedIps ?? []).join('\n'),
    permissions: (record.permissions ?? []).join(', '),
  };
}

/** A number when the text is one; otherwise the text itself, so the API's own message says why not. */
function numeric(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function parseRoles(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((role) => role.trim())
    .filter((role) => role !== '');
}

/** Entries as typed; the API checks each one and names the first bad one by its index. */
function parseAllowedIps(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function parseAnnotations(text: string): Record<string, string> {
  const annotations: Record<string, string> = {};
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`Annotation line ${index + 1} must be name=value`);
    annotations[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return annotations;
}

function rateLimitOf(fields: KeyFields): { limit: number | string; durationMs: number | string } | null {
  if (!fields.rateLimited) return null;
  const seconds = numeric(fields.rateWindowSeconds);
  return { limit: numeric(fields.rateLimit), durationMs: typeof seconds === 'number' ? Math.round(seconds * 1000) : seconds };
}

function quotaOf(fields: KeyFields): Record<string, unknown> | null {
  if (!fields.quotaOn) return null;
  if (fields.quotaRefill === '') return { remaining: numeric(fields.quotaRemaining) };
  return { remaining: numeric(fields.quotaRemaining), refill: fields.quotaRefill, refillAmount: numeric(fields.quotaRefillAmount) };
}

/** The body of POST /v1/keys: empty fields are left out so the API's defaults apply. */
export function createBody(fields: KeyFields): Record<string, unknown> {
  const body: Record<string, unknown> = { name: fields.name };
  if (fields.description.trim() !== '') body.description = fields.description;
  const roles = parseRoles(fields.roles);
  if (roles.length > 0) body.roles = roles;
  if (fields.owner.trim() !== '') body.owner = fields.owner.trim();
  if (fields.environment.trim() !== '') body.environment = fields.environment.trim();
  const expiresAt = fromLocalInput(fields.expiresAt);
  if (expiresAt !== undefined) body.expiresAt = expiresAt;
  const annotations = parseAnnotations(fields.annotations);
  if (Object.keys(annotations).length > 0) body.annotations = annotations;
  const rateLimit = rateLimitOf(fields);
  if (rateLimit !== null) body.rateLimit = rateLimit;
  const quota = quotaOf(fields);
  if (quota !== null) body.quota = quota;
  const allowedIps = parseAllowedIps(fields.allowedIps);
  if (allowedIps.length > 0) body.allowedIps = allowedIps;
  const permissions = parseRoles(fields.permissions);
  if (permissions.length > 0) body.permissions = permissions;
  return body;
}

/** The body of PATCH /v1/keys/:id: only what changed, null where a field was cleared. */
export function patchBody(fields: KeyFields, before: KeyRecord): Record<string, unknown> {
  const was = fieldsOf(before);
  const body: Record<string, unknown> = {};
  if (fields.name !== was.name) body.name = fields.name;
  if (fields.description !== was.description) body.description = fields.description === '' ? null : fields.description;
  if (fields.roles !== was.roles) body.roles = parseRoles(fields.roles);
  if (fields.owner !== was.owner) body.owner = fields.owner.trim() === '' ? null : fields.owner.trim();
  if (fields.environment !== was.environment) body.environment = fields.environment.trim() === '' ? null : fields.environment.trim();
  if (fields.expiresAt !== was.expiresAt) body.expiresAt = fromLocalInput(fields.expiresAt) ?? null;
  if (fields.annotations !== was.annotations) body.annotations = parseAnnotations(fields.annotations);
  const rateLimit = rateLimitOf(fields);
  if (JSON.stringify(rateLimit) !== JSON.stringify(rateLimitOf(was))) body.rateLimit = rateLimit;
  const quota = quotaOf(fields);
  if (JSON.stringify(quota) !== JSON.stringify(quotaOf(was))) body.quota = quota;
  if (fields.allowedIps !== was.allowedIps) {
    const allowedIps = parseAllowedIps(fields.allowedIps);
    body.allowedIps = allowedIps.length > 0 ? allowedIps : null;
  }
  if (fields.permissions !== was.permissions) body.permissions = parseRoles(fields.permissions);
  return body;
}
