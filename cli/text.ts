/**
 * Text for a terminal. Header values come from servers the user does not control: printed raw, an escape sequence in
 * one could rewrite the screen or hide a line, so every value is shown as text with control and bidirectional
 * characters escaped, the terminal's equivalent of never rendering a value as HTML.
 */

/** DEL, the C1 controls (U+009B is a CSI to some terminals), the bidirectional marks, overrides and isolates. */
const ABOVE_ASCII = '\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069';
/** ... and the C0 controls but tab and newline. */
const UNSAFE = new RegExp(`[\u0000-\u0008\u000b-\u001f${ABOVE_ASCII}]`, 'g');
const UNSAFE_IN_JSON = new RegExp(`[${ABOVE_ASCII}]`, 'g');

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The text with every character that could act on the terminal written as \uXXXX. Newlines are kept. */
export function safe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes only the C0 controls; the others above are escaped too.
 * Still valid JSON, parsing to the same value.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, escapeChar);
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
