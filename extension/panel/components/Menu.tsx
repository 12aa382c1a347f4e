/** A small context menu at the pointer, closed by Escape, a click elsewhere or a choice. */
import { useEffect, useRef } from 'preact/hooks';

export interface MenuItem {
  readonly label: string;
  readonly testId: string;
  readonly run: () => void;
}

export function Menu({ x, y, items, onClose }: { x: number; y: number; items: readonly MenuItem[]; onClose: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector('button')?.focus();
    const away = (e: Event) => {
      if (!box.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);
  const onKeyDown = (e: KeyboardEvent) => {
    const buttons = [...(box.current?.querySelectorAll('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') onClose();
    else if (e.key === 'ArrowDown') buttons[(at + 1) % buttons.length]?.focus();
    else if (e.key === 'ArrowUp') buttons[(at - 1 + buttons.length) % buttons.length]?.focus();
    else return;
    e.preventDefault();
  };
  return (
    <div class="menu" role="menu" ref={box} style={{ left: `${x}px`, top: `${y}px` }} onKeyDown={onKeyDown} data-testid="row-menu">
      {items.map((item) => (
        <button
          key={item.testId}
          type="button"
          role="menuitem"
          tabIndex={-1}
          data-testid={item.testId}
          onClick={() => {
            item.run();
            onClose();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
