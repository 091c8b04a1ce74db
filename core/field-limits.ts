/**
 * The longest value each free-text field takes. The core schemas refuse longer input and the
 * forms set `maxLength` from the same numbers, so the browser stops the user first. A plain
 * module with no database import, so browser components can use it.
 */
export const FIELD_LIMITS = {
  agent: { name: 60, role: 100, department: 60, level: 40, personality: 4_000 },
  task: { title: 200 },
  schedule: { name: 100, cron: 120 },
} as const;
