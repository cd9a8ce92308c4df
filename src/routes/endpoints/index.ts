import type { App } from '../../http/env.js';
import { registerCreateEndpoint } from './create.js';
import { registerDeleteEndpoint } from './delete.js';
import { registerGetEndpoint } from './get.js';
import { registerListEndpoints } from './list.js';
import { registerProbeEndpoint } from './probe.js';
import { registerUpdateEndpoint } from './update.js';

/** `/v1/endpoints`: the endpoint registry (models under test). */
export function registerEndpointRoutes(app: App) {
  registerCreateEndpoint(app);
  registerListEndpoints(app);
  registerGetEndpoint(app);
  registerUpdateEndpoint(app);
  registerDeleteEndpoint(app);
  registerProbeEndpoint(app);
}
