/** The toolbar's icons, drawn like DevTools' own (16x16, currentColor), inline so no file is fetched. */
const PATHS = {
  clear:
    'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM3 8a5 5 0 0 1 8.06-3.96l-7.02 7.02A4.98 4.98 0 0 1 3 8Zm1.94 3.96 7.02-7.02A5 5 0 0 1 4.94 11.96Z',
  download: 'M7.25 2h1.5v6.69l2.22-2.22 1.06 1.06L8 11.56 3.97 7.53l1.06-1.06 2.22 2.22V2ZM3 12.5h10V14H3v-1.5Z',
  upload: 'M8 2.44 12.03 6.47l-1.06 1.06-2.22-2.22V12h-1.5V5.31L5.03 7.53 3.97 6.47 8 2.44ZM3 12.5h10V14H3v-1.5Z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill-rule="evenodd" />
    </svg>
  );
}
