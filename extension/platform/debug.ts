/** Development logging; compiled out of production builds (import.meta.env.DEV is false there). */
// biome-ignore lint/suspicious/noConsole: the one sanctioned logging helper, compiled out of production builds
export const debug: (...args: unknown[]) => void = import.meta.env.DEV ? (...args) => console.debug('[cors-lens]', ...args) : () => {};
