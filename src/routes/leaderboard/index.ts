import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { registerListLeaderboard } from './list.js';
import { registerLeaderboardPage } from './page.js';
import { registerSubmitLeaderboard } from './submit.js';

/** `/v1/leaderboard…` (JSON) and `/leaderboard` (HTML). */
export function registerLeaderboardRoutes(app: App, deps: Deps) {
  registerSubmitLeaderboard(app, deps);
  registerListLeaderboard(app, deps);
  registerLeaderboardPage(app, deps);
}
