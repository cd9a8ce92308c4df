import type { Deps } from '../../src/deps.js';
import type { App } from '../../src/http/env.js';
import { createRun } from '../../src/services/runs.js';
import { tokenFor } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import type { FakeOpenAI } from '../support/openai-server.js';
import { waitForRun } from '../support/runs.js';

/** A lab with a model and an aligned variant, and finished quick-suite runs of each (the variant as a baseline). */
export async function labWithRuns(deps: Deps, name: string, subject: FakeOpenAI, variant: FakeOpenAI) {
  const { tenantId, token } = await tokenFor(deps, name);
  const s = await createEndpointRow(deps, tenantId, { baseUrl: subject.url, name: 'acme-8b base', family: 'acme-8b', variant: 'base', maxConcurrency: 32 });
  const v = await createEndpointRow(deps, tenantId, { baseUrl: variant.url, name: 'acme-8b dpo', family: 'acme-8b', variant: 'dpo', maxConcurrency: 32 });
  const first = await createRun(deps, tenantId, { endpointId: s.id, suite: 'atp-quick-v1', baselines: { endpointIds: [v.id], promptAligned: true } });
  const second = await createRun(deps, tenantId, { endpointId: v.id, suite: 'atp-quick-v1' });
  for (const r of [first, second]) {
    const run = await waitForRun(deps, r.runId, 240_000);
    if (run.status !== 'succeeded') throw new Error(`run ${r.runId} ${run.status}`);
  }
  return { tenantId, token, subjectEndpoint: s, variantEndpoint: v, runIds: [first.runId, second.runId] as const };
}

/** Reads a Set-Cookie name=value pair from a response. */
export function cookieOf(res: Response, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) if (c.startsWith(`${name}=`)) return c;
  return undefined;
}

/** Signs in to the console with an API token through the login form; returns the session cookie pair. */
export async function consoleSession(app: App, token: string, origin = 'http://localhost'): Promise<string> {
  const page = await app.request('/console/login');
  const pre = cookieOf(page, 'atp_login_csrf')!.split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await app.request('/console/login', {
    method: 'POST',
    headers: { origin, cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, _csrf: csrf, next: '/console/runs' }),
  });
  const session = cookieOf(res, 'atp_session');
  if (!session) throw new Error(`console sign-in failed: ${res.status}`);
  return session.split(';')[0];
}
