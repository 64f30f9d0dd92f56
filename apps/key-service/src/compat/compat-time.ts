/**
 * Timestamps as the mirrored systems print them: RFC 3339 in UTC with whole seconds
 * (`2023-01-23T15:12:32Z`, the form of every example in the seeds). Sub-second digits are dropped
 * because some clients of those systems parse with a fixed seconds-only pattern.
 */
export function toRfc3339Seconds(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The nullable variant, for fields that are null when the event never happened. */
export function toRfc3339SecondsOrNull(iso: string | null): string | null {
  return iso === null ? null : toRfc3339Seconds(iso);
}
