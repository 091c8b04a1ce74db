import { defineConfig } from 'drizzle-kit';

// The OrgHub's own SQLite schema; the object applies these migrations when it starts.
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './core/db/org-schema.ts',
  out: './durable-objects/migrations',
});
