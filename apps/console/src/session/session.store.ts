// The management key lives in sessionStorage only: gone when the tab closes, never written to
// localStorage, a cookie or the URL, and removed on sign-out.
const KEY_ITEM = 'key-service.console.key';

export function readSessionKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

export function writeSessionKey(key: string): void {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function clearSessionKey(): void {
  sessionStorage.removeItem(KEY_ITEM);
}
