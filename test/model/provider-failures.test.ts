// Failures whose shape used to be misread: a bot-protection challenge taken for a bad key, errors answered with 200
// taken for unreadable answers, a gateway's huge error page labelled 200, an empty account without advice, LM
// Studio's refusals given the wrong fix, a stream cut cleanly taken for a whole answer, a content filter's 200 taken
// for a broken body or an empty answer. Each against a real local server, through the client and the probe.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';
import type { CallResult, EndpointTarget } from '../../src/model/types.js';
import { dryRunEndpoint } from '../../src/services/endpoints/probe.js';
import type { ModelRequest } from '../../src/testbeds/types.js';
import { failure, success } from '../support/call-results.js';
import { PROVIDER_KEY } from '../support/providers/catalogue.js';
import { startBotChallenge, startErrorsAs200, startHugeErrorPage, startOutOfCredits, startSignInPage } from '../support/providers/gateways.js';
import { json, startImitation, type Imitation } from '../support/providers/imitation.js';
import { startLmStudio } from '../support/providers/self-hosted.js';

const HEADER_SECRET = 'org-secret-header-value-42';
const client = createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 });
const deps = { modelClient: client, logger: createLogger({ level: 'silent' }) };
afterAll(() => client.close());
const open: Imitation[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()));
});

const CHOICE: ModelRequest = { messages: [{ role: 'user', content: 'Reply with {"choice": "ok"}' }] };

let n = 0;
async function endpointAt(start: Promise<Imitation>, model = 'm'): Promise<EndpointTarget> {
  const imitation = await start;
  open.push(imitation);
  return {
    id: `fail-${n++}`,
    baseUrl: `${imitation.origin}/v1`,
    model,
    apiKey: PROVIDER_KEY,
    headers: { 'X-Org': HEADER_SECRET },
    params: {},
    requestTimeoutMs: 10_000,
  };
}

/** The probe's verdict on a failing endpoint: its detail and fix, checked free of the endpoint's secrets. */
async function probeFailure(t: EndpointTarget) {
  const r = await dryRunEndpoint(deps, t);
  if (r.ok) throw new Error(`expected the probe to fail, got ${JSON.stringify(r)}`);
  for (const text of [r.detail, r.fix ?? '']) {
    expect(text).not.toContain(PROVIDER_KEY);
    expect(text).not.toContain(HEADER_SECRET);
  }
  return r;
}

const secretFree = (r: Extract<CallResult, { ok: false }>) => {
  expect(r.message).not.toContain(PROVIDER_KEY);
  expect(r.message).not.toContain(HEADER_SECRET);
  return r;
};

describe('a bot-protection challenge in front of the API', () => {
  it.each([403, 503] as const)('HTTP %i: said to be a challenge (not a bad key, not a busy server), no HTML, not retried, with a fix', async (status) => {
    const t = await endpointAt(startBotChallenge({ status }));
    const r = secretFree(failure(await client.complete(t, CHOICE)));
    expect(r).toMatchObject({ kind: 'permanent', status, attempts: 1 });
    expect(r.message).toMatch(/bot-protection challenge \(Cloudflare\) blocked the request/);
    expect(r.message).toContain('"Just a moment..."');
    expect(r.message).not.toMatch(/<|cf_chl|challenge-platform|script/i);
    const probe = await probeFailure(t);
    expect(probe.endpointStatus).toBe(status);
    expect(probe.detail).toMatch(/bot-protection challenge/);
    expect(probe.detail).not.toMatch(/credentials/);
    expect(probe.fix).toMatch(/allow-list/);
    expect(probe.fix).toMatch(/API hostname/);
    expect(probe.fix).not.toMatch(/apiKey/);
  });
});

describe('an error object answered with HTTP 200', () => {
  it("FastAPI's {detail: 'Not Found'}: an error (404 by its words), not an unreadable answer; not retried; baseUrl advice", async () => {
    const t = await endpointAt(startErrorsAs200({ detail: 'Not Found' }));
    const r = failure(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 200, attempts: 1, message: 'HTTP 200 with error 404 in the body: Not Found' });
    const probe = await probeFailure(t);
    expect(probe.detail).toBe('the endpoint answered HTTP 200 with an error (404) instead of a chat completion: Not Found');
    expect(probe.fix).toMatch(/OpenAI-compatible base/);
  });

  it("vLLM's {object: 'error', code: 400}: the provider's message (secrets masked), permanent, never retried as transient", async () => {
    const t = await endpointAt(
      startErrorsAs200({ object: 'error', message: `Invalid request for key ${PROVIDER_KEY} (org ${HEADER_SECRET})`, type: 'BadRequestError', param: null, code: 400 }),
    );
    const r = secretFree(failure(await client.complete(t, CHOICE)));
    expect(r).toMatchObject({ kind: 'permanent', status: 200, attempts: 1 });
    expect(r.message).toMatch(/^HTTP 200 with error 400 in the body: Invalid request for key \[redacted\] \(org \[redacted\]\)/);
    expect((await probeFailure(t)).detail).toMatch(/HTTP 200 with an error \(400\) instead of a chat completion: Invalid request/);
  });

  it('{error: {message}} naming no status: the message is surfaced; a missing model is permanent, an overloaded one retried', async () => {
    const missing = await endpointAt(startErrorsAs200({ error: { message: 'The model `gpt-x` does not exist' } }));
    const r = failure(await client.complete(missing, CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 200, attempts: 1, message: 'HTTP 200 with error 404 in the body: The model `gpt-x` does not exist' });
    expect((await probeFailure(missing)).fix).toMatch(/check `model`/);
    const busy = await endpointAt(startErrorsAs200({ error: { message: 'model overloaded, try again' } }));
    const b = failure(await client.complete(busy, CHOICE));
    expect(b).toMatchObject({ kind: 'transient', status: 200, attempts: 3 });
    expect(b.message).toBe('gave up after 3 attempts: HTTP 200 with an error in the body: model overloaded, try again');
  });
});

describe('a sign-in page answered with 200', () => {
  it('is told by its title (retried: a passing proxy page looks the same), and the fix says baseUrl is a web page', async () => {
    const t = await endpointAt(startSignInPage());
    const r = secretFree(failure(await client.complete(t, CHOICE)));
    expect(r).toMatchObject({ kind: 'transient', status: 200, attempts: 3 });
    expect(r.message).toBe('gave up after 3 attempts: HTTP 200: an HTML page titled "Sign in - Corp SSO" instead of an API answer');
    const probe = await probeFailure(t);
    expect(probe.detail).toBe('the endpoint answered HTTP 200: gave up after 2 attempts: an HTML page titled "Sign in - Corp SSO" instead of an API answer');
    expect(probe.fix).toMatch(/baseUrl answers with a web page/);
  });
});

describe("a gateway's huge error page", () => {
  it('1 MB of HTML with a 502: the real status, a bounded summary by its title, retried as a 502', async () => {
    const t = await endpointAt(startHugeErrorPage({ status: 502, bytes: 1024 * 1024, title: '502 Bad Gateway' }));
    const r = failure(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ kind: 'transient', status: 502, attempts: 3 });
    expect(r.message).toMatch(/HTTP 502: an HTML page titled "502 Bad Gateway" \(1024 KB\) instead of an API answer$/);
    expect(r.message).not.toMatch(/<|upstream trace/);
    const probe = await probeFailure(t);
    expect(probe.endpointStatus).toBe(502);
    expect(probe.detail).toBe('the endpoint answered HTTP 502: gave up after 2 attempts: an HTML page titled "502 Bad Gateway" (1024 KB) instead of an API answer');
  });

  it('beyond the response cap: still HTTP 502 (never labelled 200), transient', async () => {
    const capped = createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2, maxResponseBytes: 256 * 1024 });
    try {
      const t = await endpointAt(startHugeErrorPage({ status: 502, bytes: 1024 * 1024, title: '502 Bad Gateway' }));
      const r = failure(await capped.complete(t, CHOICE));
      expect(r).toMatchObject({ kind: 'transient', status: 502, attempts: 2 });
      expect(r.message).toMatch(/HTTP 502: an error body larger than this service's limit of 262144 bytes/);
      expect(r.message).not.toMatch(/HTTP 200/);
    } finally {
      capped.close();
    }
  });

  it('1 MB of plain text: an excerpt cut after its secrets are masked, and the size', async () => {
    // the header secret lies across the excerpt's edge (300 characters): no part of it may be left showing
    const text = `${'upstream '.repeat(32)}${HEADER_SECRET} ${'z'.repeat(1024 * 1024)}`;
    const t = await endpointAt(startImitation(() => ({ status: 504, text, headers: { 'content-type': 'text/plain' } })));
    const r = secretFree(failure(await client.complete(t, CHOICE)));
    expect(r).toMatchObject({ kind: 'transient', status: 504 });
    expect(r.message.length).toBeLessThanOrEqual(501);
    expect(r.message).toMatch(/^gave up after 3 attempts: HTTP 504: upstream upstream .*… \(1024 KB in all\)$/);
    expect(r.message).not.toMatch(/org-secret|secret-header/);
  });
});

describe('HTTP 402 Payment Required', () => {
  it("OpenRouter's 'Insufficient credits': permanent, one attempt, advice to add credits", async () => {
    const t = await endpointAt(startOutOfCredits());
    const r = failure(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 402, attempts: 1 });
    expect(r.message).toMatch(/^HTTP 402: Insufficient credits/);
    const probe = await probeFailure(t);
    expect(probe.endpointStatus).toBe(402);
    expect(probe.fix).toMatch(/add credits/);
    expect(probe.fix).toMatch(/retrying will not help/);
  });
});

describe('LM Studio', () => {
  it("no model loaded: its message, and the advice to load one (not 'check model')", async () => {
    const t = await endpointAt(startLmStudio({ loaded: [] }), 'qwen3-8b');
    const r = failure(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 404, attempts: 1 });
    expect(r.message).toMatch(/No models loaded\. Please load a model/);
    const probe = await probeFailure(t);
    expect(probe.fix).toMatch(/no model loaded/);
    expect(probe.fix).toMatch(/lms load/);
  });

  it("a model it has not loaded (the error a plain string): its message, and 'check model' (not the baseUrl advice)", async () => {
    const t = await endpointAt(startLmStudio({ loaded: ['qwen2.5-7b-instruct'] }), 'qwen3-8b');
    const r = failure(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 404, attempts: 1 });
    expect(r.message).toMatch(/^HTTP 404: Model "qwen3-8b" not found/);
    const probe = await probeFailure(t);
    expect(probe.fix).toMatch(/check `model`.*GET \/models/);
    expect(probe.fix).not.toMatch(/baseUrl/);
    success(await client.complete({ ...t, model: 'qwen2.5-7b-instruct' }, CHOICE));
  });
});

describe('a stream cut cleanly by a gateway', () => {
  const sse = (chunks: unknown[], end = '') => ({
    status: 200,
    text: chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + end,
    headers: { 'content-type': 'text/event-stream' },
  });
  const chunk = (delta: unknown, finish: string | null = null) => ({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
  const CUT = [chunk({ role: 'assistant', content: '' }), chunk({ content: '{"choice' })];
  const WHOLE = [...CUT, chunk({ content: '": "ok"}' }), chunk({}, 'stop')];
  const streaming = async (start: Promise<Imitation>) => ({ ...(await endpointAt(start)), params: { stream: true } });

  it('a role chunk and a first piece of content, then the end (no [DONE], no finish_reason): transient, retried, never an answer', async () => {
    const t = await streaming(startImitation(() => sse(CUT)));
    const r = secretFree(failure(await client.complete(t, CHOICE)));
    expect(r).toMatchObject({ kind: 'transient', status: 200, attempts: 3 });
    expect(r.message).toBe('gave up after 3 attempts: the stream ended before the answer was finished');
  });

  it('cut once, whole the next time: the whole answer, on the second attempt', async () => {
    const t = await streaming(startImitation((req) => (req.callIndex === 0 ? sse(CUT) : sse(WHOLE, 'data: [DONE]\n\n'))));
    const r = success(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ attempts: 2, response: { content: '{"choice": "ok"}', finishReason: 'stop' } });
  });

  it('a server that leaves out [DONE] but sends finish_reason is read as before', async () => {
    const t = await streaming(startImitation(() => sse(WHOLE)));
    const r = success(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ attempts: 1, response: { content: '{"choice": "ok"}', finishReason: 'stop' } });
  });
});

describe("a content filter's verdict inside a 200 answer", () => {
  const choiceOnly = (choice: Record<string, unknown>) => json(200, { id: 'x', object: 'chat.completion', model: 'm', choices: [{ index: 0, ...choice }], usage: {} });

  it.each(['content_filter', 'SAFETY', 'PROHIBITED_CONTENT'])(
    'a choice without a message, finish_reason %s (Gemini): content-filtered, tried once, no baseUrl advice',
    async (finish) => {
      const t = await endpointAt(startImitation(() => choiceOnly({ finish_reason: finish })));
      const r = secretFree(failure(await client.complete(t, CHOICE)));
      expect(r).toMatchObject({ kind: 'content-filtered', status: 200, attempts: 1 });
      expect(r.message).toBe(`the provider's content filter withheld the answer (finish_reason ${finish})`);
      const probe = await probeFailure(t);
      expect(probe.detail).toBe(`the endpoint answered HTTP 200: ${r.message}`);
      expect(probe.fix ?? '').not.toMatch(/baseUrl/);
    },
  );

  it("Azure's null content with finish_reason content_filter: content-filtered (not an empty answer), naming the categories", async () => {
    const t = await endpointAt(
      startImitation(() =>
        choiceOnly({
          message: { role: 'assistant', content: null },
          finish_reason: 'content_filter',
          content_filter_results: { hate: { filtered: false, severity: 'safe' }, violence: { filtered: true, severity: 'medium' } },
        }),
      ),
    );
    const r = failure(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ kind: 'content-filtered', status: 200, attempts: 1 });
    expect(r.message).toBe("the provider's content filter withheld the answer (finish_reason content_filter: violence)");
  });

  it('streamed, with nothing before the filter stopped it: content-filtered', async () => {
    const chunk = (delta: unknown, finish: string | null = null) => ({ model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    const t = await endpointAt(startImitation(() => ({ sse: [chunk({ role: 'assistant', content: '' }), chunk({}, 'content_filter')] })));
    const r = failure(await client.complete({ ...t, params: { stream: true } }, CHOICE));
    expect(r).toMatchObject({ kind: 'content-filtered', status: 200, attempts: 1 });
  });

  it('a filter that cut the answer part-way leaves what came before it: an answer, its finish reason kept', async () => {
    const t = await endpointAt(startImitation(() => choiceOnly({ message: { role: 'assistant', content: '{"choice": "ok"}\n\nBecause the' }, finish_reason: 'content_filter' })));
    const r = success(await client.complete(t, CHOICE));
    expect(r).toMatchObject({ attempts: 1, response: { content: '{"choice": "ok"}\n\nBecause the', finishReason: 'content_filter' } });
  });
});
