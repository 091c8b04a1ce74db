import type { AppConfig } from '../core/config';

/** Hono's generics for every app and middleware of the Worker. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: AppConfig;
  };
}
