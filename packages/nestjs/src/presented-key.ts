import { IncomingHttpHeaders } from 'node:http';

/**
 * The API key a request presents, from any of the headers the systems we mirror use:
 * `x-api-key` (Fusion, Lumino), `apiKey` (Fusion) or `Authorization: Bearer` (Fireworks, v2).
 */
export function presentedKey(headers: IncomingHttpHeaders): string | null {
  const direct = headers['x-api-key'] ?? headers['apikey'];
  const value = Array.isArray(direct) ? direct[0] : direct;
  if (value) {
    const trimmed = value.trim();
    if (trimmed) return trimmed;
  }
  const auth = headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1].trim();
  }
  return null;
}
