// A ModelClient decorator that records every call's outcome, retries, errors and latency. Applied once in
// `buildDeps`, so run episodes and endpoint probes are both counted. Labels carry the endpoint id only (never a URL,
// model name or anything the tenant typed), and only when the operator asks for per-endpoint detail
// (ATP_METRICS_PER_ENDPOINT): by default every call counts under `endpoint="all"`, so a public /metrics does not tell
// one tenant how busy another tenant's endpoints are.
import type { CallOptions, CallResult, EndpointTarget, ModelClient } from '../model/types.js';
import type { ModelRequest } from '../testbeds/types.js';
import type { AtpMetrics } from './metrics.js';

/** The `endpoint` label of every call when per-endpoint detail is off. */
export const ALL_ENDPOINTS = 'all';

export function recordModelCall(metrics: AtpMetrics, endpointId: string, result: CallResult): void {
  const endpoint = endpointId;
  metrics.modelCalls.inc({ endpoint, outcome: result.ok ? 'ok' : result.kind });
  if (result.attempts > 1) metrics.modelCallRetries.inc({ endpoint }, result.attempts - 1);
  if (!result.ok) metrics.modelCallErrors.inc({ endpoint, kind: result.kind });
  // a cancelled call says nothing about the endpoint's speed
  if (result.ok || result.kind !== 'cancelled') metrics.modelCallLatency.observe({ endpoint }, result.latencyMs / 1000);
}

export function instrumentModelClient<C extends ModelClient>(client: C, metrics: AtpMetrics, opts: { perEndpoint?: boolean } = {}): C {
  const complete = async (target: EndpointTarget, request: ModelRequest, options?: CallOptions): Promise<CallResult> => {
    const result = await client.complete(target, request, options);
    try {
      recordModelCall(metrics, opts.perEndpoint ? target.id : ALL_ENDPOINTS, result);
    } catch {
      // metrics must never break a call
    }
    return result;
  };
  // keep the client's other members (e.g. close()) working
  return new Proxy(client, {
    get(obj, prop, receiver) {
      if (prop === 'complete') return complete;
      const v = Reflect.get(obj, prop, receiver);
      return typeof v === 'function' ? v.bind(obj) : v;
    },
  });
}
