import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../auth/tokens.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../lib/logger.js';

export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    logger: Logger;
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;
