/** The tool's name and version, as package.json says (bundled into the built CLI). */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** The User-Agent the CLI sends: it does not pretend to be a browser. */
export const USER_AGENT = `cors-lens/${VERSION}`;
