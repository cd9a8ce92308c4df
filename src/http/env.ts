import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../auth/tokens.js';
import type { Logger } from '../lib/logger.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;
