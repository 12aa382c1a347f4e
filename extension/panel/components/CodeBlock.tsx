/** A snippet under a header bar that holds its label and copy button, so the button never covers the code. */

import { CopyButton } from './CopyButton.tsx';
import { Text } from './Text.tsx';

export function CodeBlock({ code, label, testId }: { code: string; label: string; testId: string }) {
  return (
    <div class="code">
      <div class="code-bar">
        <span>{label}</span>
        <CopyButton text={code} label="Copy" what={label} testId={`copy-${testId}`} />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a snippet wider than the pane scrolls, and the keyboard must reach it */}
      <pre data-testid={`snippet-${testId}`} tabIndex={0}>
        <code>
          <Text value={code} multiline />
        </code>
      </pre>
    </div>
  );
}
