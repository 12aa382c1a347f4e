/** A button that copies text and says so ("Copied"), for a moment, in its own label. `what` names the copy for tooling. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../copy.ts';

export function CopyButton({
  text,
  label,
  what,
  testId,
  class: className = 'text-button',
}: {
  /** The text, or a function making it on click (reports are built only when asked for). */
  text: string | (() => string);
  label: string;
  what: string;
  testId: string;
  class?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const onCopy = async () => {
    setState((await copyText(typeof text === 'function' ? text() : text)) ? 'copied' : 'failed');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button type="button" class={className} data-testid={testId} onClick={onCopy} data-what={what}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy' : label}
    </button>
  );
}
