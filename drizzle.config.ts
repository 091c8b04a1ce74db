import { defineConfig } from 'drizzle-kit';

// D1: the platform's records. The legacy file keeps the tables org data lived in before it
// moved into each OrgHub (decision 009), so no migration drops them.
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./core/db/schema.ts', './core/db/legacy-schema.ts'],
  out: './migrations',
});
