import { defineConfig } from 'vitest/config';

// Unit tests: pure modules, next to the code, in Node.
export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'worker/**/*.test.ts',
      'durable-objects/**/*.test.ts',
      'app/**/*.test.ts',
      'tests/unit/**/*.test.ts',
    ],
    environment: 'node',
  },
});
