/** Panel settings remembered in the panel's own localStorage (stack, grouping, split), read with a validator. */

export interface Setting<T> {
  read(): T;
  write(value: T): void;
}

export function stored<T>(key: string, fallback: T, parse: (raw: string) => T | null): Setting<T> {
  return {
    read() {
      try {
        const raw = localStorage.getItem(key);
        return raw === null ? fallback : (parse(raw) ?? fallback);
      } catch {
        return fallback;
      }
    },
    write(value) {
      try {
        localStorage.setItem(key, String(value));
      } catch {
        // Storage refused (quota, privacy mode): the setting lasts for this session only.
      }
    },
  };
}
