/**
 * Every snippet generator quotes the values that come from the request (origin, path, methods, header names) for
 * its language (issue: a `;` in a path went into an nginx location raw, a `$` into a header value). fast-check
 * generates hostile ones: every character a method or header name may hold (`$`, `'`, `` ` ``, `|`, `#`, `%`...),
 * and paths with `;`, braces, quotes, `$` and percent-escapes as a URL parser leaves them. Then:
 *
 * - the code outside string literals is the same as for a benign request of the same shape (a value that escaped
 *   its literal would change it), and the literals decode back to the values;
 * - real parsers accept every snippet: acorn (JavaScript), JSON.parse, and where installed Python's ast, Ruby's
 *   compiler and gofmt, each run once over a batch;
 * - where installed, nginx -t, apache2ctl -t and caddy validate accept the configuration the snippet is merged into
 *   (a bounded number of samples: a few seconds).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseJs } from 'acorn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { apacheConf, caddyConf, nginxConf, validateApache, validateCaddy, validateNginx } from '../../test-support/fix-proof/proxies.ts';
import type { Requirements } from './requirements.ts';
import { type ServerFix, STACK_IDS, STACKS, type StackId } from './stacks.ts';

/** The characters HTTP allows in a method or header name (RFC 9110 tchar), hostile ones first. */
const TCHAR = fc.constantFrom(..."!#$%&'*+-.^_`|~", 'a', 'Z', '0');
const token = fc.string({ unit: TCHAR, minLength: 1, maxLength: 8 });
/** Prefixed so that no generated name is one a generator treats specially (GET, content-type, library defaults). */
const method = token.map((t) => `X${t}`);
const header = token.map((t) => `x-${t.toLowerCase()}`);
const PATH_UNITS = [...';{}$\'"`#%?\\ <>^|~!*()@=,+', 'a', '/', 'é', '%7B', '%22', '%3B', '%0A', '%24', '%2F', '%'];
const urlPath = fc
  .array(fc.string({ unit: fc.constantFrom(...PATH_UNITS), maxLength: 6 }), { minLength: 1, maxLength: 4 })
  .map((segments) => new URL(`https://api.example/${segments.join('/')}`).pathname);
const origin = fc.constantFrom(
  'http://localhost:5173',
  'https://app.example',
  'http://[::1]:8080',
  'https://xn--bcher-kva.example',
  'null',
);

const requirements = fc
  .record({
    origin,
    path: urlPath,
    credentials: fc.boolean(),
    methods: fc.uniqueArray(method, { minLength: 1, maxLength: 2 }),
    headers: fc.uniqueArray(header, { maxLength: 3 }),
  })
  .map(
    ({ origin, path, credentials, methods, headers }): Requirements => ({
      origin,
      url: `https://api.example${path}`,
      path,
      credentials,
      method: methods[0] ?? 'PUT',
      methods,
      headers,
      preflight: true,
      code: null,
      problems: [],
    }),
  );

/** The same request with plain names: the shape a hostile one must keep. */
const benign = (r: Requirements): Requirements => ({
  ...r,
  method: 'XBENIGN0',
  methods: r.methods.map((_, i) => `XBENIGN${i}`),
  headers: r.headers.map((_, i) => `x-benign-${i}`),
});

const generate = (id: StackId, r: Requirements): ServerFix => STACKS[id].generate(r);

type Lexer = { quotes: string; comment: RegExp };
const LEXERS: Partial<Record<ServerFix['language'], Lexer>> = {
  javascript: { quotes: `'"\``, comment: /^\/\/|^\/\*/ },
  typescript: { quotes: `'"\``, comment: /^\/\/|^\/\*/ },
  python: { quotes: `'"`, comment: /^#/ },
  ruby: { quotes: `'"`, comment: /^#/ },
  go: { quotes: '"`', comment: /^\/\// },
  java: { quotes: '"', comment: /^\/\// },
  csharp: { quotes: '"', comment: /^\/\// },
  json: { quotes: '"', comment: /^$/ },
};

/** The code with every string literal replaced by a mark, and the literals' raw contents; throws on an open literal. */
function lex(code: string, { quotes, comment }: Lexer): { skeleton: string; literals: string[] } {
  let skeleton = '';
  const literals: string[] = [];
  for (let i = 0; i < code.length; ) {
    const rest = code.slice(i, i + 2);
    if (comment.source !== '^$' && comment.test(rest)) {
      const end = rest === '/*' ? code.indexOf('*/', i) + 2 : code.indexOf('\n', i);
      const stop = end <= 1 || end === -1 ? code.length : end;
      skeleton += code.slice(i, stop);
      i = stop;
      continue;
    }
    const c = code[i] as string;
    if (!quotes.includes(c)) {
      skeleton += c;
      i++;
      continue;
    }
    let j = i + 1;
    let raw = '';
    for (; j < code.length && code[j] !== c; j++) {
      if (code[j] === '\n' && c !== '`') throw new Error(`line break inside a ${c} literal: ${code.slice(i, j)}`);
      if (code[j] === '\\' && c !== '`') raw += code[j++];
      raw += code[j];
    }
    if (j >= code.length) throw new Error(`unterminated ${c} literal at ${code.slice(i, i + 40)}`);
    literals.push(raw);
    skeleton += `${c}…${c}`;
    i = j + 1;
  }
  return { skeleton, literals };
}

/** A literal's value: JSON escapes for double quotes, \\ and \' for single, \xNN bytes for Go. */
function decode(raw: string, language: ServerFix['language']): string {
  if (language === 'go') {
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '\\' && raw[i + 1] === 'x') {
        bytes.push(Number.parseInt(raw.slice(i + 2, i + 4), 16));
        i += 3;
      } else if (raw[i] === '\\') bytes.push((raw[++i] as string).charCodeAt(0));
      else bytes.push(...Buffer.from(raw[i] as string));
    }
    return Buffer.from(bytes).toString('utf8');
  }
  if (language === 'ruby') return raw.replace(/\\([\\'])/g, '$1');
  return JSON.parse(`"${raw.replace(/\\'/g, "'").replace(/(^|[^\\])((?:\\\\)*)"/g, '$1$2\\"')}"`) as string;
}

const LITERAL_STACKS = STACK_IDS.filter((id) => LEXERS[STACKS[id].language] !== undefined);

describe('request values stay inside their string literals', () => {
  test.each(LITERAL_STACKS)('%s', (id) => {
    const lexer = LEXERS[STACKS[id].language] as Lexer;
    fc.assert(
      fc.property(requirements, (r) => {
        const hostile = generate(id, r);
        const plain = lex(generate(id, benign(r)).code, lexer);
        const { skeleton, literals } = lex(hostile.code, lexer);
        expect(skeleton).toBe(plain.skeleton);
        const values = literals.map((l) => decode(l, hostile.language)).join('\n');
        for (const name of r.headers) expect(values).toContain(name);
        // S3 rules take only five methods; the notes say which cannot be allowed.
        for (const m of r.methods) expect(id === 's3' ? hostile.notes.join(' ') : values.toUpperCase()).toContain(m.toUpperCase());
        expect(values).toContain(r.origin);
      }),
      { numRuns: 150 },
    );
  });

  test('raw headers: one header per line, nothing injected', () => {
    fc.assert(
      fc.property(requirements, (r) => {
        for (const line of generate('headers', r).code.split('\n')) {
          expect(line).toMatch(/^(#.*|[A-Za-z-]+: [^\r\n]*|)$/);
        }
      }),
    );
  });
});

/** A few hundred hostile snippets per stack, for the parsers that run once over a batch. */
const samples = (id: StackId, n: number): ServerFix[] => fc.sample(requirements, { numRuns: n, seed: 42 }).map((r) => generate(id, r));

const has = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
};
const PYTHON = process.env.CORS_LENS_PYTHON ?? '/usr/bin/python3';

// The parser and validator tests below each need their tool (python3, ruby, gofmt, nginx, apache2, caddy...): where it
// is not installed that one test is skipped, as on a developer machine without it. .ci/run installs them all, so CI
// runs every one.
describe('real parsers accept every snippet', () => {
  test('JavaScript (acorn) and JSON', () => {
    for (const id of STACK_IDS) {
      for (const fix of samples(id, 100)) {
        if (fix.language === 'javascript' || fix.language === 'typescript') {
          expect(() => parseJs(fix.code, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true })).not.toThrow();
        }
        if (fix.language === 'json') expect(() => JSON.parse(fix.code)).not.toThrow();
      }
    }
  });

  // Reason for this skip: python3 is not installed here (.ci/run installs it).
  test.skipIf(!has(PYTHON, ['--version']))('Python (ast)', () => {
    const sources = ['django', 'flask', 'fastapi'].flatMap((id) => samples(id as StackId, 100).map((f) => f.code));
    const script = 'import ast, json, sys\nfor s in json.load(sys.stdin): ast.parse(s)\nprint("parsed")';
    expect(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(sources) }).toString()).toContain('parsed');
  });

  // Reason for this skip: ruby is not installed here (.ci/run installs it).
  test.skipIf(!has('ruby', ['--version']))('Ruby (its compiler)', () => {
    const sources = samples('rails', 100).map((f) => f.code);
    const script = 'require "json"\nJSON.parse($stdin.read).each { |s| RubyVM::InstructionSequence.compile(s) }\nputs "parsed"';
    expect(execFileSync('ruby', ['-e', script], { input: JSON.stringify(sources) }).toString()).toContain('parsed');
  });

  // Reason for this skip: Go is not installed here (.ci/run installs golang-go).
  test.skipIf(!has('gofmt', ['-l', os.devNull]) && !has('go', ['version']))('Go (gofmt)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-lens-gofmt-'));
    try {
      for (const [i, fix] of samples('go', 100).entries()) fs.writeFileSync(path.join(dir, `s${i}.go`), fix.code);
      expect(() => execFileSync('gofmt', ['-e', '-l', dir], { stdio: 'pipe' })).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const VALIDATORS = [
  { id: 'nginx', tool: ['nginx', '-v'], file: 'nginx.conf', conf: nginxConf, validate: validateNginx },
  { id: 'apache', tool: ['apache2ctl', '-v'], file: 'httpd.conf', conf: apacheConf, validate: validateApache },
  { id: 'caddy', tool: ['caddy', 'version'], file: 'Caddyfile', conf: caddyConf, validate: validateCaddy },
] as const;

// Each server's own validator: skipped only where that server is not installed (a developer machine without it);
// .ci/run installs nginx, Apache and Caddy, so CI runs all three.
describe('the servers accept the merged configuration', () => {
  for (const v of VALIDATORS) {
    const [command, ...args] = v.tool;
    // Reason for this skip: this server is not installed here (.ci/run installs nginx, apache2 and caddy).
    test.skipIf(!has(command, args))(
      `${v.id}: validator on hostile paths, methods and header names`,
      async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), `cors-lens-${v.id}-`));
        try {
          // Each run is a process (nginx 10 ms, apache2ctl and caddy 100-300 ms): a dozen samples, four at a time.
          const fixes = samples(v.id, 12);
          for (let i = 0; i < fixes.length; i += 4) {
            await Promise.all(
              fixes.slice(i, i + 4).map(async (fix, k) => {
                const dir = path.join(root, String(i + k));
                fs.mkdirSync(dir);
                const conf = v.conf({ key: 'x', variant: 'bare', fix }, dir, 8080, 'http://127.0.0.1:9');
                fs.writeFileSync(path.join(dir, v.file), conf);
                await v.validate(dir).catch((error: Error) => {
                  throw new Error(`${error.message}\n${conf}`);
                });
              }),
            );
          }
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      },
      60_000,
    );
  }
});
