import { describe, expect, test } from 'vitest';
import { DetailOrigins } from './arming.ts';

describe('DetailOrigins', () => {
  test('turns sites on and off, and says when something changed', () => {
    const d = new DetailOrigins();
    expect(d.set('http://localhost:8801', true)).toBe(true);
    expect(d.set('http://localhost:8801', true)).toBe(false);
    expect(d.has('http://localhost:8801')).toBe(true);
    expect(d.set('http://localhost:8801', false)).toBe(true);
    expect(d.has('http://localhost:8801')).toBe(false);
  });

  test.each(['http://localhost:8801/', 'http://localhost:8801/path', 'file:///etc', 'javascript:alert(1)', 'null', '*', ''])(
    'refuses %j: only an origin can be a site',
    (origin) => {
      const d = new DetailOrigins();
      expect(d.set(origin, true)).toBe(false);
      expect(d.toJSON()).toEqual([]);
    },
  );

  test('reads back only valid origins from storage', () => {
    const d = new DetailOrigins();
    d.load(['https://app.example', 42, 'https://app.example/x', { a: 1 }, 'http://127.0.0.1:3000']);
    expect(d.toJSON()).toEqual(['http://127.0.0.1:3000', 'https://app.example']);
    d.load('not a list');
    expect(d.toJSON()).toEqual([]);
  });

  test('remembers at most 100 sites', () => {
    const d = new DetailOrigins();
    for (let i = 0; i < 150; i++) d.set(`http://site${i}.example`, true);
    expect(d.toJSON()).toHaveLength(100);
  });
});
