/** What a script can tell from `$?` alone; also listed under every command's --help. */
export const ExitCode = {
  Ok: 0,
  Unexpected: 1,
  Usage: 2,
  NotFound: 3,
  Auth: 4,
  Conflict: 5,
  InvalidInput: 6,
  Unavailable: 7,
  KeyNotValid: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return ExitCode.NotFound;
  if (status === 401 || status === 403) return ExitCode.Auth;
  if (status === 409 || status === 412) return ExitCode.Conflict;
  if (status === 400 || status === 413 || status === 414 || status === 415) return ExitCode.InvalidInput;
  if (status === 503) return ExitCode.Unavailable;
  return ExitCode.Unexpected;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  unexpected error
  2  usage error (unknown command, bad or missing option)
  3  not found (404)
  4  not authorised (401/403, or KEY_SERVICE_API_KEY unset)
  5  conflict or stale version (409/412)
  6  invalid input (400/413/414/415)
  7  service unavailable or unreachable (503, connection refused)
  8  verify: the key is not valid (the code says why)

Environment:
  KEY_SERVICE_URL      the service's base URL (default http://localhost:3000); --url overrides it
  KEY_SERVICE_API_KEY  the management key (root, admin or auditor); never printed`;
