import type { App } from '../../http/env.js';
import { registerGetSuite } from './get-suite.js';
import { registerGetTestbed } from './get-testbed.js';
import { registerListSuites } from './list-suites.js';
import { registerListTestbeds } from './list-testbeds.js';

/** Public catalogue: the testbeds and the frozen suites. */
export function registerTestbedRoutes(app: App) {
  registerListTestbeds(app);
  registerGetTestbed(app);
  registerListSuites(app);
  registerGetSuite(app);
}
