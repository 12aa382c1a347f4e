/**
 * Client-side alternatives: changes to the page that make the request pass without touching the server, offered
 * only where they are honest (dropping credentials the request does not need, an unneeded custom header, a
 * lower-case method), plus the development proxy that makes any API same-origin during development.
 */
import type { CorsErrorCode, Initiator } from '../model.ts';
import type { Requirements } from './requirements.ts';

export interface ClientFix {
  readonly id: 'omit-credentials' | 'drop-header' | 'uppercase-method' | 'dev-proxy';
  readonly label: string;
  /** When this is the right fix. */
  readonly when: string;
  readonly language: 'javascript' | 'html';
  readonly code: string;
}

const CREDENTIALS_CODES: ReadonlySet<CorsErrorCode> = new Set([
  'WildcardOriginNotAllowed',
  'InvalidAllowCredentials',
  'PreflightWildcardOriginNotAllowed',
  'PreflightInvalidAllowCredentials',
]);

/** The same call without credentials, in the API the page used. */
export function withoutCredentials(initiator: Initiator, url: string): { language: ClientFix['language']; code: string } {
  const u = JSON.stringify(url);
  switch (initiator) {
    case 'xhr':
      return {
        language: 'javascript',
        code: `const xhr = new XMLHttpRequest();\nxhr.open('GET', ${u});\nxhr.withCredentials = false; // the default: no cookies, no HTTP auth\nxhr.send();`,
      };
    case 'eventsource':
      return { language: 'javascript', code: `// withCredentials defaults to false\nconst events = new EventSource(${u});` };
    case 'image':
    case 'media':
    case 'script':
    case 'stylesheet':
      return { language: 'html', code: `<!-- crossorigin="anonymous" (or just crossorigin) sends no cookies -->\ncrossorigin="anonymous"` };
    default:
      return {
        language: 'javascript',
        code: `fetch(${u}, { credentials: 'omit' }); // or leave credentials out: 'same-origin' is the default`,
      };
  }
}

export function clientFixes(r: Requirements, initiator: Initiator): ClientFix[] {
  const fixes: ClientFix[] = [];
  if (r.code && CREDENTIALS_CODES.has(r.code)) {
    fixes.push({
      id: 'omit-credentials',
      label: 'Do not send credentials',
      when: "If this request does not need the user's cookies or HTTP authentication (public data, or a token in a header instead).",
      ...withoutCredentials(initiator, r.url),
    });
  }
  if (r.code === 'HeaderDisallowedByPreflightResponse' && r.headers.length > 0) {
    const custom = r.headers.filter((h) => h !== 'content-type' && h !== 'authorization');
    if (custom.length > 0) {
      fixes.push({
        id: 'drop-header',
        label: `Do not send ${custom.join(', ')}`,
        when: 'If the server does not need these headers: a request with only simple headers and GET/HEAD/POST needs no preflight at all.',
        language: 'javascript',
        code: `// remove ${custom.join(', ')} from the request headers\nfetch(${JSON.stringify(r.url)}, { headers: { /* only Accept, Accept-Language, Content-Language, Content-Type (form or text/plain) */ } });`,
      });
    }
  }
  if (r.problems.includes('lowercase-method')) {
    const method = r.methods[0] ?? '';
    fixes.push({
      id: 'uppercase-method',
      label: `Write the method as ${method.toUpperCase()}`,
      when: `fetch sends '${method}' exactly as written; most servers and CORS configurations expect upper case.`,
      language: 'javascript',
      code: `fetch(${JSON.stringify(r.url)}, { method: '${method.toUpperCase()}' });`,
    });
  }
  fixes.push({
    id: 'dev-proxy',
    label: 'During development: proxy the API through your dev server',
    when: 'When the API is not yours to change yet, or only for local development. The request becomes same-origin, so CORS does not apply. Production still needs the server fix.',
    language: 'javascript',
    code: devProxy(r.url),
  });
  return fixes;
}

function devProxy(url: string): string {
  let target = url;
  let path = '/';
  try {
    const u = new URL(url);
    target = u.origin;
    path = `/${u.pathname.split('/')[1] ?? ''}`;
  } catch {
    // keep the raw URL
  }
  return [
    `// vite.config.js: then call fetch(${JSON.stringify(path === '/' ? '/' : `${path}/...`)}) from the page`,
    'export default {',
    '  server: {',
    `    proxy: { ${JSON.stringify(path)}: { target: ${JSON.stringify(target)}, changeOrigin: true } },`,
    '  },',
    '};',
  ].join('\n');
}
