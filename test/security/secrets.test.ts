// Secrets (an endpoint's API key and header values, bearer tokens) never appear in a response body or header, a log
// line, a problem detail, a transcript or anywhere in the database in clear text — after normal use, failures
// (a run refused by the endpoint, a failing probe) and hostile requests.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, HEADER_SECRET, setupWorld, WRONG_API_KEY, type World } from './support.js';

const ROTATED_KEY = 'sk-atp-sec-rotated-key-0d9e8f7a6b5c4d';
const ROTATED_HEADER = 'hdr-rotated-secret-value-91ab7c';
/** secret-looking values a client sent in an invalid request: they must not be echoed back either */
const REFUSED_KEY = 'sk-atp-sec-refused key-with-space-77aa';
const REFUSED_HEADER = 'hdr-refused-secret\nwith-newline-55bb';

let w: World;
let secrets: string[];

beforeAll(async () => {
  w = await setupWorld();
  secrets = [...w.secrets, ROTATED_KEY, ROTATED_HEADER, REFUSED_KEY, REFUSED_HEADER.split('\n')[0]];
  const a = { 'content-type': 'application/json', authorization: `Bearer ${w.a.token}` };
  const get = (path: string) => w.call('GET', path, { headers: a });

  // normal reads of everything tenant A owns
  await get('/v1/endpoints');
  await get(`/v1/endpoints/${w.ids.endpoint}`);
  await get(`/v1/endpoints/${w.ids.badKeyEndpoint}`);
  await get('/v1/runs?limit=100');
  for (const run of [w.ids.run, w.ids.failedRun]) {
    await get(`/v1/runs/${run}`);
    await get(`/v1/runs/${run}/events`);
    await get(`/v1/runs/${run}/report`);
    await get(`/v1/runs/${run}/report.html`);
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await get(`/v1/runs/${run}/transcripts?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, page.text).toBe(200);
      cursor = page.json().nextCursor;
    }
  }
  // probes: one that works, one the endpoint refuses (the fake echoes the key it was sent, like real providers)
  const ok = await w.call('POST', `/v1/endpoints/${w.ids.endpoint}/probe`, { headers: a });
  expect(ok.status, ok.text).toBe(200);
  const refused = await w.call('POST', `/v1/endpoints/${w.ids.badKeyEndpoint}/probe`, { headers: a });
  expect(refused.status, refused.text).toBe(422);
  // rotation of both secrets, then a read
  const patched = await w.call('PATCH', `/v1/endpoints/${w.ids.badKeyEndpoint}`, {
    headers: a,
    body: JSON.stringify({ apiKey: ROTATED_KEY, headers: { 'X-Org-Secret': ROTATED_HEADER } }),
  });
  expect(patched.status, patched.text).toBe(200);
  // invalid requests carrying secret-looking values
  for (const body of [
    { name: 'x', baseUrl: w.fake.url, model: 'm', apiKey: REFUSED_KEY },
    { name: 'x', baseUrl: w.fake.url, model: 'm', apiKey: API_KEY, headers: { 'X-Org-Secret': REFUSED_HEADER } },
    { name: 'x', baseUrl: 'ftp://example.com', model: 'm', apiKey: API_KEY, headers: { Authorization: `Bearer ${API_KEY}` } },
    { name: 'x', baseUrl: w.fake.url, model: 'm', apiKey: API_KEY, unknown: HEADER_SECRET },
  ]) {
    const res = await w.call('POST', '/v1/endpoints', { headers: a, body: JSON.stringify(body) });
    expect(res.status, res.text).toBe(400);
  }
  const bad = await w.call('PATCH', `/v1/endpoints/${w.ids.endpoint}`, { headers: a, body: JSON.stringify({ apiKey: REFUSED_KEY }) });
  expect(bad.status).toBe(400);
  // tokens sent where they do not belong
  await w.call('GET', `/v1/runs/${w.a.token}`, { headers: a });
  await w.call('GET', `/v1/runs?cursor=${w.a.token}`, { headers: a });
  await w.call('GET', '/v1/runs', { headers: { authorization: `Bearer ${w.a.token}x` } });
  await w.call('GET', '/v1/runs', { headers: { authorization: `Bearer ${w.b.token.split('.').slice(0, 2).join('.')}.${w.a.token.split('.')[2]}` } });
});
afterAll(() => w?.close());

/** Which secrets occur in `text` (by name, so a failure does not print the secret in full). */
function leaked(text: string): string[] {
  return secrets.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 12)}…`);
}

describe('secrets never leave', () => {
  it('the model endpoint did receive the API key and header (the secrets are real and in use)', () => {
    const sent = [...w.fake.requests, ...w.fake.probeRequests].map((r) => r.headers);
    expect(sent.some((h) => h.authorization === `Bearer ${API_KEY}` && h['x-org-secret'] === HEADER_SECRET)).toBe(true);
    expect(sent.some((h) => h.authorization === `Bearer ${WRONG_API_KEY}`)).toBe(true);
  });

  it('in no response body or header', () => {
    expect(w.recorded.length).toBeGreaterThan(20);
    for (const r of w.recorded) {
      expect(leaked(r.text), `${r.what} (${r.status})`).toEqual([]);
      const headers = [...r.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
      expect(leaked(headers), `${r.what} headers`).toEqual([]);
    }
  });

  it('in no problem detail, including the run the endpoint refused and the failed probe', () => {
    const failed = w.recorded.find((r) => r.what === `GET /v1/runs/${w.ids.failedRun}`);
    expect(failed?.json().status).toBe('failed');
    expect(failed?.json().error.detail).toMatch(/401/);
    const probe = w.recorded.find((r) => r.what === `POST /v1/endpoints/${w.ids.badKeyEndpoint}/probe`);
    expect(probe?.json().detail).toMatch(/credentials|401/);
    expect(leaked(JSON.stringify(failed?.json().error))).toEqual([]);
    expect(leaked(probe!.text)).toEqual([]);
  });

  it('in no log line', () => {
    expect(w.ctx.logs.length).toBeGreaterThan(10);
    const bad = w.ctx.logs.filter((l) => leaked(l).length > 0);
    expect(bad.map((l) => `${leaked(l).join(',')} in ${l.slice(0, 160)}`)).toEqual([]);
  });

  it('in no transcript and nowhere in the database in clear text', async () => {
    const tables = await w.deps.db.rows<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    let scanned = 0;
    for (const { table_name } of tables) {
      const rows = await w.deps.db.rows<{ t: string }>(sql`select t::text as t from ${sql.identifier(table_name)} t`);
      for (const r of rows) {
        scanned++;
        expect(leaked(r.t), `${table_name}: ${r.t.slice(0, 120)}`).toEqual([]);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    const transcripts = w.recorded.filter((r) => r.what.includes('/transcripts'));
    expect(transcripts.length).toBeGreaterThan(0);
    expect(transcripts.reduce((n, r) => n + r.json().items.length, 0)).toBeGreaterThan(100);
  });
});
