// Actor layer: where an actor's failure goes when nobody was given to hear it: one line on
// stderr, as the server's default error handler writes.

/**
 * Writes one line on stderr about an actor's failure.
 *
 * @param what - what failed, e.g. 'an actor failed'.
 * @param error - the error.
 * @example
 * logActorError('an actor failed', new Error('boom'));
 */
export function logActorError(what: string, error: unknown): void {
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`wsflow: ${what}: ${described}`.replace(/[\r\n]+/g, ' ') + '\n');
}
