/** Header lines combined as Chromium does. */
import { expect, test } from 'vitest';
import { headerValue } from './headers.ts';

test('repeated lines are joined with ", " as Chromium does', () => {
  expect(
    headerValue(
      [
        { name: 'Access-Control-Allow-Origin', value: 'a' },
        { name: 'access-control-allow-origin', value: 'b' },
      ],
      'ACCESS-CONTROL-ALLOW-ORIGIN',
    ),
  ).toBe('a, b');
  expect(headerValue([], 'x')).toBeNull();
});
