import type { MiddlewareHandler } from 'hono';
import { assertLocalFallbacks, loadConfig } from '../../core/config';
import { setLogLevel } from '../../core/log';
import type { AppEnv } from '../types';

/**
 * Validates the env once per isolate (cached) and exposes it as `c.get('config')`. A bad
 * production setting, or a development fallback served from a host that is not local, throws
 * ConfigError, which the error handler reports by name.
 *
 * @example app.use(withConfig())
 */
export function withConfig(): MiddlewareHandler<AppEnv> {
  return async function withConfig(c, next) {
    const config = loadConfig(c.env);
    assertLocalFallbacks(config, new URL(c.req.url));
    setLogLevel(config.LOG_LEVEL);
    c.set('config', config);
    await next();
  };
}
