import { describe, expect, it } from 'vitest';
import { workerFirstRoutes } from '../../scripts/lib/asset-routes.mjs';

describe('npm start: run_worker_first paths as Miniflare routes', () => {
  it('routes each listed prefix on any host straight to the Worker', () => {
    expect(workerFirstRoutes({ run_worker_first: ['/v1/*', '/api/*', '/'] })).toEqual(['*/v1/*', '*/api/*', '*/']);
  });

  it('routes everything when every path runs the Worker first', () => {
    expect(workerFirstRoutes({ run_worker_first: true })).toEqual(['*/*']);
  });

  it('leaves all paths to the asset router when a rule needs its own matching', () => {
    expect(workerFirstRoutes({ run_worker_first: ['/v1/*', '!/v1/docs/*'] })).toEqual([]);
    expect(workerFirstRoutes({ run_worker_first: ['/orgs/*/live'] })).toEqual([]);
  });

  it('adds no routes without assets or without worker-first paths', () => {
    expect(workerFirstRoutes(undefined)).toEqual([]);
    expect(workerFirstRoutes({ run_worker_first: false })).toEqual([]);
    expect(workerFirstRoutes({})).toEqual([]);
  });
});
