import type { Hono } from 'hono';
import type { Session } from '../auth/sessions.js';
import type { AppEnv } from '../http/env.js';

export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & {
    /** the signed-in session, when there is one */
    session?: Session;
  };
}

export type ConsoleApp = Hono<ConsoleEnv>;
