/**
 * Captured (or derived) text, shown safely: isolated from the text around it (<bdi>), with control, bidirectional
 * and invisible characters drawn as visible markers, so a U+202E in a header value cannot reverse the value or
 * anything after it. Always text, never HTML.
 */
import { Fragment } from 'preact';
import { visibleParts } from '../../../src/index.ts';

export function Text({ value, class: className, multiline = false }: { value: string; class?: string; multiline?: boolean }) {
  // Code keeps its line breaks; everywhere else a line break in a captured value is shown as a marker.
  if (multiline && value.includes('\n')) {
    const lines = value.split('\n');
    return (
      <>
        {lines.map((line, i) => (
          <Fragment key={i}>
            <Text value={line} class={className} />
            {i < lines.length - 1 && '\n'}
          </Fragment>
        ))}
      </>
    );
  }
  const parts = visibleParts(value);
  const first = parts[0];
  if (parts.length === 1 && first && 'text' in first) return <bdi class={className}>{value}</bdi>;
  return (
    <bdi class={className}>
      {parts.map((p, i) =>
        'text' in p ? (
          p.text
        ) : (
          <abbr key={i} class="ctl" title={p.name}>
            {p.marker}
          </abbr>
        ),
      )}
    </bdi>
  );
}
