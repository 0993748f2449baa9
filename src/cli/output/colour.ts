/**
 * Colours for terminal output, through node:util `styleText`: plain text when the stream is not a terminal (a pipe,
 * a file, a test) or when `NO_COLOR` is set, coloured when `FORCE_COLOR` says so.
 */
import { styleText } from 'node:util';

/** The styles gcsync uses: `+` lines green, `-` lines red, changed groups yellow, notes dim. */
export type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

/** Styles a piece of text for a given stream (or leaves it plain). */
export type Paint = (style: Style, text: string) => string;

/** Leaves text plain (pure formatters default to it). */
export const plain: Paint = (_style, text) => text;

/** A {@link Paint} for `stream`: colours only where that stream shows them and the user has not opted out. */
export function paintFor(stream: NodeJS.WriteStream): Paint {
  return (style, text) => styleText(style, text, { stream });
}
