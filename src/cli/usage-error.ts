// Command line: a mistake of the user's (an option, a value, a URL), reported as one line.

/** A command-line mistake: printed as one line, exits with ExitCode.Usage, never a stack trace. */
export class UsageError extends Error {
  /** The command whose `--help` the line points to. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
