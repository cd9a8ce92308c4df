import type { App } from '../http/env.js';
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
import { registerMetrics } from './system/metrics.js';

/**
 * Every route of the service. Each resource folder exports `registerX(app)` per route; handlers read their
 * dependencies from the request context (`c.get('deps')`), so the routes (and the OpenAPI document) exist without them.
 */
export function registerRoutes(app: App) {
  registerOpenApi(app);
  registerDocs(app);
  registerHealthz(app);
  registerCreateTenant(app);
  registerEndpointRoutes(app);
  registerRunRoutes(app);
  registerTestbedRoutes(app);
  registerOperatorRoutes(app);
  registerLeaderboardRoutes(app);
  registerJwks(app);
  registerListRunWebhooks(app);
  registerMetrics(app);
}
