import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { registerCreateEndpoint } from './create.js';
import { registerDeleteEndpoint } from './delete.js';
import { registerGetEndpoint } from './get.js';
import { registerListEndpoints } from './list.js';
import { registerProbeEndpoint } from './probe.js';
import { registerUpdateEndpoint } from './update.js';

/** `/v1/endpoints`: the endpoint registry (models under test). */
export function registerEndpointRoutes(app: App, deps: Deps) {
  registerCreateEndpoint(app, deps);
  registerListEndpoints(app, deps);
  registerGetEndpoint(app, deps);
  registerUpdateEndpoint(app, deps);
  registerDeleteEndpoint(app, deps);
  registerProbeEndpoint(app, deps);
}
