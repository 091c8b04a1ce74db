#!/usr/bin/env node
/**
 * `npm run db:seed [-- URL]`: seeds the demo org into a running app (`npm start` does it itself;
 * useful after `npm run dev`). URL defaults to http://localhost:8787; idempotent.
 */
import { seedDemo } from './lib/seed.mjs';

const url = process.argv[2] ?? 'http://localhost:8787';
const result = await seedDemo(url.replace('localhost', '127.0.0.1'), url);
console.log(JSON.stringify(result));
