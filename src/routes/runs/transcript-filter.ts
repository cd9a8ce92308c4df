import { invalidInput } from '../../lib/errors.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';

/**
 * The transcript filters, with `testbed` checked against the registry the service runs (not the built-in ids,
 * so a registered testbed can be filtered on): an unknown id is a caller mistake, not an empty page.
 */
export function checkTestbedFilter<Q extends { testbed?: string }>(registry: TestbedRegistry, query: Q): Q {
  if (query.testbed !== undefined && !registry.has(query.testbed)) {
    throw invalidInput([{ field: 'testbed', message: `unknown testbed; known: ${registry.ids.join(', ')}` }]);
  }
  return query;
}
