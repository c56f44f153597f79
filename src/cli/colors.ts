// Command line: colours for a terminal, off when the output is not one or NO_COLOR is set
// (https://no-color.org: present and not empty).

/** Wraps text in an ANSI colour, or leaves it as it is. */
export type Paint = (text: string) => string;

/** The colours the command line uses. */
export interface Palette {
  readonly incoming: Paint;
  readonly control: Paint;
  readonly notice: Paint;
  readonly error: Paint;
}

const plain: Paint = (text) => text;

/**
 * The palette for a stream: ANSI colours on a terminal unless NO_COLOR is set, none otherwise.
 *
 * @param stream - Where the text goes.
 * @param env - The environment (NO_COLOR).
 * @returns The palette.
 */
export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Palette {
  const colours = stream.isTTY === true && (env.NO_COLOR ?? '') === '';
  const paint =
    (open: number): Paint =>
    (text) =>
      colours ? `\x1b[${open}m${text}\x1b[0m` : text;
  return colours
    ? { incoming: paint(32), control: paint(2), notice: paint(33), error: paint(31) }
    : { incoming: plain, control: plain, notice: plain, error: plain };
}
