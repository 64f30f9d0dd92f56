import { useState } from 'react';

/** A new secret, shown this once: the API keeps only its hash. */
export function SecretView({ secret }: { readonly secret: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <div className="secret">
      <p className="warning" role="note">
        Copy this key now. It will not be shown again: the service stores only its hash.
      </p>
      <code data-testid="secret" className="secret-value">
        {secret}
      </code>
      <button type="button" onClick={copy}>
        Copy
      </button>
      {copied === 'yes' && <span role="status"> Copied to the clipboard.</span>}
      {copied === 'failed' && <span role="status"> The browser refused the clipboard: select the key and copy it by hand.</span>}
    </div>
  );
}
