/** Another writer appended to the stream first: reload and decide again, or report a conflict. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | null,
  ) {
    super(
      `Stream '${streamId}' is at version ${actualVersion ?? 'unknown'}, expected ${expectedVersion}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}
