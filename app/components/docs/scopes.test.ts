import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES, DEFAULT_SCOPES } from '../../../core/auth/api-keys';
import { SCOPE_DOCS } from './scopes';

describe('the quickstart’s scope list', () => {
  it('documents every API-key scope, in order, and no other', () => {
    expect(SCOPE_DOCS.map((s) => s.scope)).toEqual([...API_KEY_SCOPES]);
  });

  it('marks exactly the scopes a new key gets by default', () => {
    expect(SCOPE_DOCS.filter((s) => s.byDefault).map((s) => s.scope)).toEqual(
      API_KEY_SCOPES.filter((s) => DEFAULT_SCOPES.includes(s)),
    );
  });
});
