/**
 * A pure function of a string, remembered for the strings it was last asked about. The worker asks about the same few
 * URLs over and over while it follows one request (its origin, its scheme, its kept form, for each event and each
 * version of its record); parsing them each time was about a third of its script time in a burst. Bounded: the memory
 * is dropped whole at `size` entries, and strings longer than MAX_KEY are not remembered.
 */
const MAX_KEY = 2048;

export function memoized<T>(fn: (s: string) => T, size = 512): (s: string) => T {
  const known = new Map<string, T>();
  return (s) => {
    const hit = known.get(s);
    if (hit !== undefined) return hit;
    const value = fn(s);
    if (s.length <= MAX_KEY) {
      if (known.size >= size) known.clear();
      known.set(s, value);
    }
    return value;
  };
}
