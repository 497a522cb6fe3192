import { describe, expect, it } from 'vitest';
import { bearerToken, requireApiKey } from '../../src/api/plugins/api-key-auth.ts';
import { ErrorCode, ForbiddenError, UnauthenticatedError } from '../../src/api/errors.ts';
import { mayReviewUndetectedFlags, reviewRoles } from '../../src/auth/roles.ts';

describe('the Authorization header', () => {
  it('takes the token of a Bearer header, whatever the case of the scheme', () => {
    expect(bearerToken('Bearer hub_0123456789ab_abc')).toBe('hub_0123456789ab_abc');
    expect(bearerToken('bearer  hub_x ')).toBe('hub_x');
    for (const header of ['', 'Bearer', 'Bearer ', 'Basic YWxpY2U6c2VjcmV0', 'Token abc', 'Bearer a b', 'Bearerabc']) {
      expect(bearerToken(header), header).toBeNull();
    }
  });
});

describe('requireApiKey', () => {
  const alice = { id: 1, name: 'alice', role: 'reviewer' as const };

  it('is UNAUTHENTICATED without a key and FORBIDDEN for a role not allowed', () => {
    expect(() => requireApiKey({ apiKey: null }, reviewRoles, 'review flags')).toThrow(UnauthenticatedError);
    const forbidden = (() => {
      try {
        requireApiKey({ apiKey: alice }, ['admin'], 'manage things');
      } catch (error) {
        return error;
      }
    })();
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect((forbidden as ForbiddenError).extensions).toMatchObject({ code: ErrorCode.FORBIDDEN, http: { status: 403 } });
    expect((forbidden as ForbiddenError).message).toContain('reviewer cannot manage things');
  });

  it('returns the key when its role is allowed; both roles review, only admins decide flags no longer found', () => {
    expect(requireApiKey({ apiKey: alice }, reviewRoles, 'review flags')).toBe(alice);
    expect(requireApiKey({ apiKey: { ...alice, role: 'admin' } }, reviewRoles, 'review flags').role).toBe('admin');
    expect(mayReviewUndetectedFlags('reviewer')).toBe(false);
    expect(mayReviewUndetectedFlags('admin')).toBe(true);
  });
});
