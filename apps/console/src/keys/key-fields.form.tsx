import { KeyFields } from './key-fields';

interface Props {
  readonly fields: KeyFields;
  readonly onChange: (fields: KeyFields) => void;
}

/** The fields create and edit share: everything of a key but its id, tenant and prefix. */
export function KeyFieldsForm({ fields, onChange }: Props) {
  const set = <K extends keyof KeyFields>(name: K, value: KeyFields[K]) => onChange({ ...fields, [name]: value });
  return (
    <>
      <label>
        Name
        <input name="name" required maxLength={100} value={fields.name} onChange={(e) => set('name', e.target.value)} />
      </label>
      <label>
        Description
        <input name="description" maxLength={255} value={fields.description} onChange={(e) => set('description', e.target.value)} />
      </label>
      <label>
        Roles (comma-separated)
        <input name="roles" value={fields.roles} onChange={(e) => set('roles', e.target.value)} placeholder="deploy, read" />
      </label>
      <div className="row">
        <label>
          Owner
          <input name="owner" value={fields.owner} onChange={(e) => set('owner', e.target.value)} />
        </label>
        <label>
          Environment
          <input name="environment" value={fields.environment} onChange={(e) => set('environment', e.target.value)} placeholder="production" />
        </label>
        <label>
          Expires at (local time)
          <input name="expiresAt" type="datetime-local" step={1} value={fields.expiresAt} onChange={(e) => set('expiresAt', e.target.value)} />
        </label>
      </div>
      <div className="row">
        <label>
          Allowed IPs (one address or CIDR range a line; empty: any)
          <textarea name="allowedIps" value={fields.allowedIps} onChange={(e) => set('allowedIps', e.target.value)} placeholder={'10.0.0.0/8\n2001:db8::/32'} />
        </label>
        <label>
          Permissions (comma-separated)
          <input name="permissions" value={fields.permissions} onChange={(e) => set('permissions', e.target.value)} placeholder="orders.read, billing.read" />
        </label>
      </div>
      <label>
        Annotations (one name=value a line)
        <textarea name="annotations" value={fields.annotations} onChange={(e) => set('annotations', e.target.value)} />
      </label>
      <fieldset>
        <legend>
          <label className="inline">
            <input type="checkbox" name="rateLimited" checked={fields.rateLimited} onChange={(e) => set('rateLimited', e.target.checked)} />
            Rate limit
          </label>
        </legend>
        {fields.rateLimited && (
          <div className="row">
            <label>
              Verifications per window
              <input name="rateLimit" inputMode="numeric" value={fields.rateLimit} onChange={(e) => set('rateLimit', e.target.value)} />
            </label>
            <label>
              Window (seconds)
              <input name="rateWindowSeconds" inputMode="numeric" value={fields.rateWindowSeconds} onChange={(e) => set('rateWindowSeconds', e.target.value)} />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>
          <label className="inline">
            <input type="checkbox" name="quotaOn" checked={fields.quotaOn} onChange={(e) => set('quotaOn', e.target.checked)} />
            Quota
          </label>
        </legend>
        {fields.quotaOn && (
          <div className="row">
            <label>
              Remaining verifications
              <input name="quotaRemaining" inputMode="numeric" value={fields.quotaRemaining} onChange={(e) => set('quotaRemaining', e.target.value)} />
            </label>
            <label>
              Refill
              <select name="quotaRefill" value={fields.quotaRefill} onChange={(e) => set('quotaRefill', e.target.value as KeyFields['quotaRefill'])}>
                <option value="">never</option>
                <option value="daily">daily</option>
                <option value="monthly">monthly</option>
              </select>
            </label>
            {fields.quotaRefill !== '' && (
              <label>
                Refill to
                <input name="quotaRefillAmount" inputMode="numeric" value={fields.quotaRefillAmount} onChange={(e) => set('quotaRefillAmount', e.target.value)} />
              </label>
            )}
          </div>
        )}
      </fieldset>
    </>
  );
}
