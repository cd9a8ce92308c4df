import type { App } from '../http/env.js';
import type { Deps } from '../deps.js';
import { registerListRunWebhooks } from '../routes/runs/webhooks.js';
import { registerJwks } from '../routes/system/jwks.js';

/** The webhook routes: the public signing keys and a run's delivery log. */
export function registerWebhookRoutes(app: App, deps: Deps) {
  registerJwks(app, deps);
  registerListRunWebhooks(app, deps);
}
