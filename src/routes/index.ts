import type { App } from '../http/env.js';
import type { Deps } from '../deps.js';
import { registerDocs } from './system/docs.js';
import { registerHealthz } from './system/healthz.js';
import { registerOpenApi } from './system/openapi.js';
import { registerCreateTenant } from './tenants/create.js';
import { registerEndpointRoutes } from './endpoints/index.js';
import { registerRunRoutes } from './runs/index.js';
import { registerTestbedRoutes } from './testbeds/index.js';
import { registerOperatorRoutes } from './operator/index.js';
import { registerLeaderboardRoutes } from './leaderboard/index.js';
import { registerJwks } from './system/jwks.js';
import { registerListRunWebhooks } from './runs/webhooks.js';

/** Every route of the service. Each resource folder exports `registerX(app, deps)` per route. */
export function registerRoutes(app: App, deps: Deps) {
  registerOpenApi(app);
  registerDocs(app);
  registerHealthz(app, deps);
  registerCreateTenant(app, deps);
  registerEndpointRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerTestbedRoutes(app);
  registerOperatorRoutes(app, deps);
  registerLeaderboardRoutes(app, deps);
  registerJwks(app, deps);
  registerListRunWebhooks(app, deps);
}
