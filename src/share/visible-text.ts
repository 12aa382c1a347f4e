/**
 * Captured text made safe to show: control, bidirectional-formatting and invisible characters become visible markers
 * (`\u202E`), so a right-to-left override in a header value can neither reverse the value nor the text after it, and
 * an invisible character cannot make two different values look the same. Pure: the panel renders the parts, text
 * formats (Markdown) use the joined form.
 */

/** Characters never shown raw: C0 and C1 controls, DEL, bidi controls, zero-width and line/paragraph separators. */
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters made visible
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/g;

const NAMES: Readonly<Record<number, string>> = {
  9: 'CHARACTER TABULATION',
  10: 'LINE FEED',
  13: 'CARRIAGE RETURN',
  0: 'NULL',
  1564: 'ARABIC LETTER MARK',
  8203: 'ZERO WIDTH SPACE',
  8204: 'ZERO WIDTH NON-JOINER',
  8205: 'ZERO WIDTH JOINER',
  8206: 'LEFT-TO-RIGHT MARK',
  8207: 'RIGHT-TO-LEFT MARK',
  8232: 'LINE SEPARATOR',
  8233: 'PARAGRAPH SEPARATOR',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
  65279: 'ZERO WIDTH NO-BREAK SPACE',
};

/** One run of a string: plain text, or one hidden character with its visible marker and its Unicode name. */
export type TextPart = { readonly text: string } | { readonly marker: string; readonly name: string };

/** The marker for one hidden character: `\u202E`. */
export function markerOf(ch: string): string {
  return `\\u${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The Unicode name of a hidden character, or its code point when the list above does not name it. */
export function hiddenName(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}${NAMES[cp] ? ` ${NAMES[cp]}` : ''}`;
}

/** Whether a string holds any character that is shown as a marker. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/** Splits a string into plain runs and markers, in order. A string without hidden characters is one part. */
export function visibleParts(text: string): TextPart[] {
  if (!hasHidden(text)) return [{ text }];
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(HIDDEN)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at) });
    parts.push({ marker: markerOf(m[0]), name: hiddenName(m[0]) });
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** The string with every hidden character replaced by its marker: for tooltips, reports and plain-text copies. */
export function visibleText(text: string): string {
  return hasHidden(text) ? text.replace(HIDDEN, markerOf) : text;
}

/** The string with every hidden character replaced by what `escapeOne` makes of it (a language's own escape). */
export function replaceHidden(text: string, escapeOne: (ch: string) => string): string {
  return hasHidden(text) ? text.replace(HIDDEN, escapeOne) : text;
}
