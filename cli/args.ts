/**
 * The command line: `cors-lens check URL --origin ORIGIN ...` and `cors-lens audit URL --origin ORIGIN ...`, parsed
 * into plain options. Anything wrong is a BadInput with a one-line message (exit status 2).
 */
import { parseArgs } from 'node:util';
import { type CallApi, type Header, STACK_IDS, STACKS, type StackId } from '../src/index.ts';

/** Bad input: the message is shown as is, on one line, and the exit status is 2. */
export class BadInput extends Error {}

export interface CommonOptions {
  readonly url: string;
  readonly origin: string;
  readonly method: string;
  readonly headers: readonly Header[];
  readonly stack: StackId;
  readonly json: boolean;
  readonly timeoutMs: number;
  /** host:port -> address to connect to instead of resolving the host (curl's --resolve). */
  readonly resolve: ReadonlyMap<string, string>;
}

export interface CheckOptions extends CommonOptions {
  readonly command: 'check';
  readonly body: string | null;
  readonly credentials: boolean;
  readonly cookie: string | null;
  readonly api: CallApi;
}

export interface AuditOptions extends CommonOptions {
  readonly command: 'audit';
}

export type Command = CheckOptions | AuditOptions | { readonly command: 'help' } | { readonly command: 'version' };

const OPTIONS = {
  origin: { type: 'string' },
  method: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd' },
  credentials: { type: 'boolean' },
  cookie: { type: 'string' },
  api: { type: 'string' },
  stack: { type: 'string' },
  json: { type: 'boolean' },
  resolve: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Options that make sense only for check: an audit sends its own origins and never a body or a cookie. */
const CHECK_ONLY = ['data', 'credentials', 'cookie', 'api'] as const;

export const DEFAULT_STACK: StackId = 'headers';
const DEFAULT_TIMEOUT_SECONDS = 10;

/** "Name: value", or a bare "Name" (an empty value: for a preflight only the name counts). */
export function parseHeader(text: string): Header {
  const colon = text.indexOf(':');
  if (colon === 0) throw new BadInput(`--header needs a name: ${text}`);
  if (colon < 0) return { name: text.trim(), value: '' };
  return { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() };
}

/** HOST:PORT:ADDRESS, the address possibly in brackets (IPv6). */
export function parseResolve(text: string): [string, string] {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+):(.+)$/.exec(text);
  if (!m) throw new BadInput(`--resolve takes HOST:PORT:ADDRESS, like curl: ${text}`);
  const [, host = '', port = '', address = ''] = m;
  return [`${host.toLowerCase()}:${port}`, address.replace(/^\[(.*)\]$/, '$1')];
}

/** The command line (without node and the script) as options; throws BadInput for anything wrong. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new BadInput(`${(e as Error).message.split('\n')[0]} (see cors-lens --help)`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) return { command: 'version' };
  if (values.help || command === undefined || command === 'help') return { command: 'help' };
  if (command !== 'check' && command !== 'audit')
    throw new BadInput(`unknown command '${command}': use check or audit (see cors-lens --help)`);
  if (rest.length !== 1) throw new BadInput(`${command} takes exactly one URL${rest.length > 1 ? `, got ${rest.length}` : ''}`);
  if (values.origin === undefined) throw new BadInput(`${command} needs --origin: the origin of the page that makes the request`);
  const stack = values.stack ?? DEFAULT_STACK;
  if (!(STACK_IDS as readonly string[]).includes(stack)) throw new BadInput(`unknown stack '${stack}': one of ${STACK_IDS.join(', ')}`);
  const seconds = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new BadInput(`--timeout takes a number of seconds: ${values.timeout}`);
  const common = {
    url: rest[0] as string,
    origin: values.origin,
    method: values.method ?? 'GET',
    headers: (values.header ?? []).map(parseHeader),
    stack: stack as StackId,
    json: values.json ?? false,
    timeoutMs: seconds * 1000,
    resolve: new Map((values.resolve ?? []).map(parseResolve)),
  };
  if (command === 'audit') {
    const misplaced = CHECK_ONLY.find((o) => values[o] !== undefined);
    if (misplaced) throw new BadInput(`--${misplaced} is an option of check, not of audit`);
    if (values.origin === 'null') throw new BadInput("audit needs your page's own origin, not null");
    return { command, ...common };
  }
  const api = values.api ?? 'fetch';
  if (api !== 'fetch' && api !== 'xhr' && api !== 'eventsource') throw new BadInput(`--api is fetch, xhr or eventsource, not ${api}`);
  return {
    command,
    ...common,
    body: values.data ?? null,
    credentials: values.credentials ?? false,
    cookie: values.cookie ?? null,
    api,
  };
}

/** `cors-lens --help`: commands, options, the stacks, exit statuses. */
export function helpText(version: string): string {
  const stacks = STACK_IDS.map((id) => `    ${id.padEnd(11)} ${STACKS[id].label}`).join('\n');
  return `cors-lens ${version}: the browser's CORS verdict from a terminal, and an audit of dangerous CORS setups

Usage:
  cors-lens check URL --origin ORIGIN [options]
      Sends what a browser on ORIGIN would send for fetch(URL) (the preflight when one is needed, then the request,
      following redirects as fetch does) and prints the browser's verdict, Chromium's console message, why, and the
      fix for your server.
  cors-lens audit URL --origin ORIGIN [options]
      Asks URL with your origin and a few forged ones (another site, null, your host with a suffix or a prefix,
      http instead of https, a sub-domain) and reports each one the server lets read its responses.
      It only sends GET (HEAD with --method HEAD) and, when --method or --header need one, the preflight: never a
      request that could change data.

Options:
  --origin ORIGIN        the page's origin, scheme://host[:port] (check also takes null)
  -X, --method METHOD    the method the page uses (GET); fetch sends it as written except
                         DELETE, GET, HEAD, OPTIONS, POST and PUT, which it upper-cases
  -H, --header 'N: V'    a header the page sets (repeat for more); a bare name sends an empty value
  -d, --data TEXT        check: a text body (fetch adds Content-Type: text/plain;charset=UTF-8 unless set)
  --credentials          check: credentials mode 'include' (fetch credentials: 'include', withCredentials)
  --cookie VALUE         check: the Cookie the browser would send (needs --credentials; never printed)
  --api NAME             check: fetch (default), xhr or eventsource: the page API, which sets the wording
  --stack NAME           the server stack of the fix (default ${DEFAULT_STACK}), one of:
${stacks}
  --json                 print one JSON object (schema in the README: "From a terminal and in CI")
  --resolve H:P:ADDR     connect to ADDR for host H and port P, like curl (repeatable)
  --timeout SECONDS      per request (${DEFAULT_TIMEOUT_SECONDS})
  -h, --help             this text;  -v, --version  the version

Exit status:
  check  0 a browser allows it, 1 a browser refuses it (CORS), 2 bad input or a network error
  audit  0 nothing dangerous found, 1 something found, 2 bad input or a network error

Requests go only to URL (and where it redirects, for check). Nothing else is contacted.
`;
}
