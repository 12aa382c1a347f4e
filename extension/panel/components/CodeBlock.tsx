/** A snippet with its copy button. The code is rendered as text (never HTML). */
import { useState } from 'preact/hooks';
import { copyText } from '../copy.ts';

export function CodeBlock({ code, label, testId }: { code: string; label: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onCopy = async () => {
    setState((await copyText(code)) ? 'copied' : 'failed');
    setTimeout(() => setState('idle'), 1500);
  };
  return (
    <div class="code">
      <button type="button" class="copy" data-testid={`copy-${testId}`} onClick={onCopy} aria-label={`Copy ${label}`}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy' : 'Copy fix snippet'}
      </button>
      <pre data-testid={`snippet-${testId}`}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
