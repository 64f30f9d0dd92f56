/** A message on the key events topic that does not follow the envelope contract (docs/events.md). */
export class MalformedKeyEventError extends Error {
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`Malformed key event at ${where}: ${problems.join('; ')}`);
    this.name = 'MalformedKeyEventError';
  }
}
