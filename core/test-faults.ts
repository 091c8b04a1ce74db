/**
 * Test-only faults (worker/test-faults.ts, the email consumer, the OrgHub): errors thrown on
 * purpose so the integration tests can prove every handler reports to error monitoring. Allowed
 * only when APP_ENV is `test`, which `npm run deploy` refuses; everywhere else they are inert.
 */
export function isTestFaultAllowed(env: { APP_ENV?: string }): boolean {
  return env.APP_ENV === 'test';
}
