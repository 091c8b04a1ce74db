/**
 * What each API-key scope allows, for the quickstart. The list itself lives in
 * core/auth/api-keys.ts (server code, not bundled for the browser); scopes.test.ts fails if
 * the two drift apart.
 */
export const SCOPE_DOCS: ReadonlyArray<{ scope: string; allows: string; byDefault: boolean }> = [
  { scope: 'org:read', allows: 'Read the key’s organization: GET /v1/org.', byDefault: true },
  { scope: 'agents:read', allows: 'List and read agents.', byDefault: true },
  { scope: 'agents:write', allows: 'Create, change, pause, resume and archive agents.', byDefault: false },
  {
    scope: 'tasks:read',
    allows: 'Read tasks, runs, run traces and task event streams; list approvals.',
    byDefault: true,
  },
  { scope: 'tasks:write', allows: 'Give tasks; change, cancel and retry them.', byDefault: true },
  { scope: 'messages:read', allows: 'Read messages and threads.', byDefault: true },
  { scope: 'messages:write', allows: 'Message agents.', byDefault: true },
  { scope: 'approvals:write', allows: 'Approve or reject drafts waiting for a person.', byDefault: false },
  { scope: 'schedules:read', allows: 'List schedules.', byDefault: false },
  { scope: 'schedules:write', allows: 'Create, change and delete schedules.', byDefault: false },
  { scope: 'usage:read', allows: 'Read usage against the plan: GET /v1/usage.', byDefault: false },
  { scope: 'activity:read', allows: 'Read the activity feed: GET /v1/activity.', byDefault: false },
  { scope: 'live:read', allows: 'Connect to the live WebSocket, GET /v1/live.', byDefault: true },
  {
    scope: 'connections:read',
    allows: 'Read MCP connections and their tools: GET /v1/connections (adding one needs an admin’s session).',
    byDefault: false,
  },
];
