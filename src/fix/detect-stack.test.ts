import { describe, expect, test } from 'vitest';
import { exchange } from '../../test-support/exchange.ts';
import { detectStack } from './detect-stack.ts';

const on = (headers: Record<string, string>, preflight?: Record<string, string>) =>
  detectStack(exchange({ response: { headers }, ...(preflight ? { preflight: { headers: preflight } } : {}) }))?.stack ?? null;

describe('the stack a response reveals', () => {
  test('the framework (X-Powered-By) before the server in front of it', () => {
    expect(on({ server: 'nginx/1.25.3', 'x-powered-by': 'Express' })).toBe('express');
    expect(on({ server: 'nginx/1.25.3' })).toBe('nginx');
    expect(on({ server: 'Apache/2.4.57 (Debian)' })).toBe('apache');
    expect(on({ server: 'Apache-Coyote/1.1' })).toBe('spring');
    expect(on({ server: 'Kestrel' })).toBe('aspnet');
    expect(on({ server: 'Werkzeug/3.0.1 Python/3.12.1' })).toBe('flask');
    expect(on({ server: 'uvicorn' })).toBe('fastapi');
    expect(on({ server: 'AmazonS3' })).toBe('s3');
    expect(on({ via: '1.1 Caddy' })).toBe('caddy');
    expect(on({ 'x-amz-apigw-id': 'abc=' })).toBe('apigateway');
  });
  test('the preflight answer counts too, and it says which header told', () => {
    const found = detectStack(exchange({ preflight: { headers: { server: 'Caddy' } }, response: null }));
    expect(found).toEqual({ stack: 'caddy', header: 'server', value: 'Caddy' });
  });
  test('nothing known, or only a header name kept without its value: no proposal', () => {
    expect(on({ server: 'gws' })).toBeNull();
    expect(on({ server: '' })).toBeNull();
    expect(on({})).toBeNull();
  });
});
