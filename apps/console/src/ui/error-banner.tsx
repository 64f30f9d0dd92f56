import { ApiError } from '../api/api-error';

/** The API's message as it wrote it, with the status so an operator can look it up in docs/api.md. */
export function ErrorBanner({ error }: { readonly error: unknown }) {
  if (error === null || error === undefined) return null;
  const text = error instanceof ApiError ? `${error.status}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}
