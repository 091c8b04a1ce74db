import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './session.server';

describe('safeRedirectPath', () => {
  it('keeps paths on this site, normalised', () => {
    expect(safeRedirectPath('/orgs/acme/tasks?status=running#top')).toBe('/orgs/acme/tasks?status=running#top');
    expect(safeRedirectPath('/orgs/acme/../beta')).toBe('/orgs/beta');
    expect(safeRedirectPath('/docs/%2e%2e/pricing')).toBe('/pricing');
  });

  const offSite = [
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    'evil.example',
    'javascript:alert(1)',
    '/\tevil',
    // Normalisation turns these into protocol-relative URLs: the result must be checked too.
    '/..//evil.example',
    '/../..//evil.example/path',
    '/.//evil.example',
    '/%2e%2e//evil.example',
    '/%2E%2E//evil.example',
    '/a/../..//evil.example',
    '/..\\\\evil.example',
    '/.\\/evil.example',
  ];
  for (const to of offSite) {
    it(`refuses ${JSON.stringify(to)}`, () => {
      const result = safeRedirectPath(to);
      expect(result).toBe('/orgs');
      expect(new URL(result, 'https://app.test').origin).toBe('https://app.test');
    });
  }

  it('uses the fallback for missing or non-string input', () => {
    expect(safeRedirectPath(null, '/')).toBe('/');
    expect(safeRedirectPath(undefined)).toBe('/orgs');
  });
});
