/**
 * The pure core compiles without DOM or chrome types (tsconfig.core.json), so that no browser API can creep in.
 * It relies on exactly one host facility, the WHATWG URL parser (present in every browser context and in Node),
 * declared here in the small shape the core uses.
 */
declare class URL {
  constructor(input: string, base?: string | URL);
  static canParse(input: string, base?: string): boolean;
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
}
