import type { App } from '../../http/env.js';
import { registerListLeaderboard } from './list.js';
import { registerLeaderboardPage } from './page.js';
import { registerSubmitLeaderboard } from './submit.js';

/** `/v1/leaderboard…` (JSON) and `/leaderboard` (HTML). */
export function registerLeaderboardRoutes(app: App) {
  registerSubmitLeaderboard(app);
  registerListLeaderboard(app);
  registerLeaderboardPage(app);
}
