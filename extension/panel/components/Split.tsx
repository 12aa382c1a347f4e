/**
 * Two panes with a draggable divider (mouse or arrow keys). Side by side, or stacked when the panel is narrow (a
 * container query in panel.css turns the split into a column; the divider then resizes heights).
 */
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

const MIN = 15;
const MAX = 85;

export function Split({
  ratio,
  onRatio,
  first,
  second,
}: {
  ratio: number;
  onRatio: (r: number) => void;
  first: ComponentChildren;
  second: ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const clamp = (r: number) => Math.round(Math.min(MAX, Math.max(MIN, r)));
  const vertical = () => (box.current ? getComputedStyle(box.current).flexDirection === 'column' : false);
  const onPointerDown = (e: PointerEvent) => {
    const el = box.current;
    if (!el) return;
    e.preventDefault();
    const divider = e.currentTarget as HTMLElement;
    divider.setPointerCapture(e.pointerId);
    const column = vertical();
    const move = (m: PointerEvent) => {
      const rect = el.getBoundingClientRect();
      onRatio(clamp(column ? ((m.clientY - rect.top) / rect.height) * 100 : ((m.clientX - rect.left) / rect.width) * 100));
    };
    const up = () => {
      divider.removeEventListener('pointermove', move);
      divider.removeEventListener('pointerup', up);
    };
    divider.addEventListener('pointermove', move);
    divider.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = { ArrowLeft: -5, ArrowUp: -5, ArrowRight: 5, ArrowDown: 5 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    onRatio(clamp(ratio + step));
  };
  return (
    <div class="main">
      <div class="split" ref={box} style={{ '--split': `${ratio}%` }}>
        {first}
        {/* biome-ignore lint/a11y/useSemanticElements: a focusable, resizable separator has no native element (hr cannot take focus) */}
        <div
          class="divider"
          role="separator"
          tabIndex={0}
          aria-label="Resize the list and the details"
          aria-valuemin={MIN}
          aria-valuemax={MAX}
          aria-valuenow={ratio}
          data-testid="split"
          onPointerDown={onPointerDown}
          onKeyDown={onKeyDown}
        />
        {second}
      </div>
    </div>
  );
}
