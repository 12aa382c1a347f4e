/**
 * Text for a terminal. Header values come from servers the user does not control: printed raw, an escape sequence in
 * one could rewrite the screen or hide a line, so every value is shown as text with control and bidirectional
 * characters escaped, the terminal's equivalent of never rendering a value as HTML.
 */

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters being escaped
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every character that could act on the terminal written as \uXXXX. Newlines are kept. */
export function safe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line of text: newlines escaped too. */
export function safeLine(text: string): string {
  return safe(text).replace(/\n/g, '\\n');
}

export interface Style {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/** ANSI styles when `color`, identity otherwise. Applied only to text already made safe. */
export function style(color: boolean): Style {
  if (!color) {
    const id = (s: string) => s;
    return { red: id, green: id, yellow: id, bold: id, dim: id };
  }
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/**
 * Words wrapped at `width` columns, the first line indented by `first`, the others by `rest` (a hanging indent for
 * list items). Long words (URLs) stay whole.
 */
export function wrap(text: string, first: string, rest = first, width = 100): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let prefix = out.length === 0 ? first : rest;
    for (const word of paragraph.split(' ')) {
      if (line && prefix.length + line.length + 1 + word.length > width) {
        out.push(prefix + line);
        prefix = rest;
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    out.push(prefix + line);
  }
  return out.join('\n');
}

/** Every line of a block indented. */
export function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}
