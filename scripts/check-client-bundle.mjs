#!/usr/bin/env node
/**
 * The browser bundle must hold no database code: shared words come from core/vocabulary.ts
 * and core/events.ts, never from a schema. Run after `remix vite:build` by `npm run
 * test:integration`; fails naming the asset that pulled drizzle in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const assets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'client', 'assets');
const MARKERS = [/drizzle/i, /sqliteTable/, /durable-sqlite/];
const offenders = readdirSync(assets)
  .filter((name) => name.endsWith('.js'))
  .filter((name) => {
    const source = readFileSync(path.join(assets, name), 'utf8');
    return MARKERS.some((marker) => marker.test(source));
  });
if (offenders.length > 0) {
  console.error(`The browser bundle holds database code: ${offenders.join(', ')}`);
  process.exit(1);
}
console.log(`Browser bundle: ${readdirSync(assets).length} assets, no database code.`);
