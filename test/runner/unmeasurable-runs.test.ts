// Misconfigured, dead and failing endpoints: the probe's verdict matches what a run then does, and a run that
// could not measure ends `failed` (never `succeeded`), sends `run.failed`, and the gate exits 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../src/cli/gate.js';
import { captureIo } from '../support/cli-io.js';
import { consoleSession } from '../console/support.js';
import { PROVIDER_KEY } from '../support/providers/catalogue.js';
import { deadOrigin, GATEWAY_MODEL, startFailingAfter, startQuotaExhausted, startSseOnly } from '../support/providers/gateways.js';
import { startDashScope, startGemini } from '../support/providers/hosted.js';
import { json, simulatedAnswer, startImitation, completion, openAIMessage, usage, type Imitation } from '../support/providers/imitation.js';
import { startAzure, startOpenAIReasoning } from '../support/providers/openai.js';
import { startLlamaCpp, startOllama, startVllm } from '../support/providers/self-hosted.js';
import { startProviderHarness, type ProviderHarness } from '../support/provider-runs.js';

let h: ProviderHarness;
let receiver: string;
const open: Imitation[] = [];
beforeAll(async () => {
  h = await startProviderHarness('unmeasurable-lab');
  receiver = `${track(await startImitation(() => json(200, {}))).origin}/hook`;
});
afterAll(async () => {
  await Promise.all(open.map((i) => i.close()));
  await h.close();
});
const track = (i: Imitation) => (open.push(i), i);

async function gate(runId: string) {
  const { io, stderr } = captureIo({ fetch: async (r: Request) => h.app.request(r) });
  const code = await runGate(['--url', 'http://atp.test', '--token', h.token, '--run', runId, '--max-violation', '0.5'], io);
  return { code, stderr: stderr.text };
}

const PROBLEMS = 'https://atp-bench.dev/problems/';

async function expectRunFailedWebhook(runId: string) {
  // the delivery is enqueued just after the status commits (another connection on PostgreSQL): wait for it
  const end = Date.now() + 30_000;
  let types: string[] = [];
  while (Date.now() < end) {
    const { body } = await h.get(`/v1/runs/${runId}/webhooks`);
    types = body.items.map((d: { type: string }) => d.type);
    if (types.length > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(types).toEqual(['run.failed']);
}

describe('the probe refuses it, and the run fails at pre-flight with the same diagnosis', () => {
  const cases: Array<[string, () => Promise<{ fields: any }>, RegExp]> = [
    ['o-series with max_tokens', async () => {
      const i = track(await startOpenAIReasoning({ apiKey: PROVIDER_KEY }));
      return { fields: { baseUrl: `${i.origin}/v1`, model: 'o4-mini', apiKey: PROVIDER_KEY, params: { temperature: 1, max_tokens: 1024 } } };
    }, /max_completion_tokens/],
    ['Gemini with seed', async () => {
      const i = track(await startGemini({ apiKey: PROVIDER_KEY }));
      return { fields: { baseUrl: `${i.origin}/v1beta/openai`, model: 'gemini-2.5-flash', apiKey: PROVIDER_KEY, params: { seed: 1 } } };
    }, /seedField/],
    ['Azure without api-version', async () => {
      const i = track(await startAzure({ apiKey: PROVIDER_KEY, deployment: 'gpt-4o' }));
      return { fields: { baseUrl: `${i.origin}/openai/deployments/gpt-4o`, model: 'gpt-4o', headers: { 'api-key': PROVIDER_KEY } } };
    }, /api-version/],
    ['DashScope thinking without streaming', async () => {
      const i = track(await startDashScope({ apiKey: PROVIDER_KEY }));
      return { fields: { baseUrl: `${i.origin}/compatible-mode/v1`, model: 'qwen3-32b', apiKey: PROVIDER_KEY } };
    }, /enable_thinking/],
    ['a 429 insufficient_quota', async () => {
      const i = track(await startQuotaExhausted());
      return { fields: { baseUrl: `${i.origin}/v1`, model: GATEWAY_MODEL } };
    }, /quota/],
    ['an SSE-only proxy without stream', async () => {
      const i = track(await startSseOnly());
      return { fields: { baseUrl: `${i.origin}/v1`, model: GATEWAY_MODEL } };
    }, /params\.stream/],
    ['a dead endpoint', async () => ({ fields: { baseUrl: `${await deadOrigin()}/v1`, model: 'm' } }), /unreachable|ECONNREFUSED/],
  ];
  it.each(cases)('%s', async (_label, setup, why) => {
    const { fields } = await setup();
    const id = await h.register(fields);
    const probe = await h.probe(id);
    expect(probe.status, JSON.stringify(probe.body)).toBe(422);
    expect(`${probe.body.detail} ${probe.body.fix ?? ''}`).toMatch(why);

    const run = await h.run(id, { webhookUrl: receiver });
    expect(run.status).toBe('failed');
    expect(run.ms).toBeLessThan(10_000);
    await expectRunFailedWebhook(run.id);
    expect(run.error.type).toBe(`${PROBLEMS}endpoint-preflight-failed`);
    expect(run.error.detail).toMatch(why);
    expect((await gate(run.id)).code).toBe(2);
  });

  it('Gemini with a small max_tokens: the probe says thinking used the budget; the run fails at pre-flight', async () => {
    const i = track(await startGemini({ apiKey: PROVIDER_KEY }));
    const id = await h.register({ baseUrl: `${i.origin}/v1beta/openai`, model: 'gemini-2.5-flash', apiKey: PROVIDER_KEY, params: { max_tokens: 256, seedField: false } });
    const probe = await h.probe(id);
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ ready: false, answer: 'truncated', finishReason: 'length', reasoningUsedBudget: true });
    expect(probe.body.advice.join(' ')).toMatch(/max_tokens/);
    const run = await h.run(id);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run.error.type).toBe(`${PROBLEMS}endpoint-preflight-failed`);
    expect(run.error.detail).toMatch(/budget/);
  });
});

describe('tool use refused by the server: the probe says unsupported with the reason, and the run agrees', () => {
  const cases: Array<[string, () => Promise<any>, RegExp]> = [
    ['vLLM without --enable-auto-tool-choice', async () => ({ baseUrl: `${track(await startVllm({ autoToolChoice: false })).origin}/v1`, model: 'Qwen/Qwen3-8B' }), /--enable-auto-tool-choice/],
    ['llama.cpp without --jinja', async () => ({ baseUrl: `${track(await startLlamaCpp({ jinja: false })).origin}/v1`, model: 'local' }), /--jinja/],
    ['an Ollama model without tools', async () => ({ baseUrl: `${track(await startOllama({ model: 'gemma3:1b', tools: false })).origin}/v1`, model: 'gemma3:1b' }), /does not support tools/],
    ['vLLM with a tool parser that does not match the model (calls written as text)', async () => ({ baseUrl: `${track(await startVllm({ autoToolChoice: true, parserMatchesModel: false })).origin}/v1`, model: 'Qwen/Qwen3-8B' }), /as text/],
  ];
  it.each(cases)('%s', async (_label, fields, why) => {
    const id = await h.register(await fields());
    const probe = await h.probe(id);
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ ready: true, toolsSupported: false });
    expect(['unsupported', 'text']).toContain(probe.body.toolUse);
    expect(probe.body.toolUseDetail).toMatch(why);
    const run = await h.run(id);
    expect(run.status).toBe('succeeded');
    const report = (await h.get(`/v1/runs/${run.id}/report`)).body;
    expect(report.subject.testbeds['tool-use']).toMatchObject({ status: 'unsupported' });
    expect(report.subject.testbeds['tool-use'].reason).toMatch(why);
    expect(run.view.subjects?.[0]?.unsupported ?? run.view.unsupported).toBeTruthy();
    expect(JSON.stringify(run.view)).toMatch(why);
    const html = await (await h.app.request(`/v1/runs/${run.id}/report.html`, { headers: { authorization: `Bearer ${h.token}` } })).text();
    expect(html).toMatch(why);
  });
});

describe('during and after the run', () => {
  it('an endpoint that starts failing mid-run: the circuit breaker fails the run promptly with the dominant error', async () => {
    const i = track(await startFailingAfter(40));
    const id = await h.register({ baseUrl: `${i.origin}/v1`, model: GATEWAY_MODEL }, { maxConcurrency: 4 });
    expect((await h.probe(id)).status).toBe(200);
    const run = await h.run(id, { quick: true, webhookUrl: receiver });
    expect(run.status).toBe('failed');
    expect(run.error.type).toBe(`${PROBLEMS}endpoint-failing`);
    expect(run.error.detail).toMatch(/HTTP 503: upstream connect error/);
    // far fewer requests than the quick suite's ~300 calls × 6 attempts
    expect(i.requests.length).toBeLessThan(200);
    expect((await gate(run.id)).code).toBe(2);
    await expectRunFailedWebhook(run.id);
  }, 120_000);

  it("a content filter refusing some prompts (Azure's content_filter 400) costs those decisions, not the run", async () => {
    let n = 0;
    const i = track(
      await startImitation((r) => {
        const probe = JSON.stringify(r.body?.messages ?? '').includes('connectivity check');
        if (!probe && ++n % 7 === 0) {
          return json(400, {
            error: {
              code: 'content_filter',
              message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
              innererror: { code: 'ResponsibleAIPolicyViolation' },
            },
          });
        }
        return json(200, completion('filtered-model', openAIMessage(simulatedAnswer(r.body)), 'stop', usage(r.body, 4)));
      }),
    );
    const id = await h.register({ baseUrl: `${i.origin}/v1`, model: 'filtered-model' });
    const run = await h.run(id, {});
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const report = await h.get(`/v1/runs/${run.id}/report`);
    expect(report.body.subject.decisions.error).toBeGreaterThan(0);
    expect(report.body.subject.calls.failed).toBeGreaterThan(0);
  }, 120_000);

  it("a content filter withholding some answers inside a 200 (Azure's null content, finish_reason content_filter) costs those decisions, not the run", async () => {
    let n = 0;
    const i = track(
      await startImitation((r) => {
        const probe = JSON.stringify(r.body?.messages ?? '').includes('connectivity check');
        if (!probe && ++n % 7 === 0) {
          return json(200, completion('filtered-model', { role: 'assistant', content: null }, 'content_filter', usage(r.body, 0)));
        }
        return json(200, completion('filtered-model', openAIMessage(simulatedAnswer(r.body)), 'stop', usage(r.body, 4)));
      }),
    );
    const id = await h.register({ baseUrl: `${i.origin}/v1`, model: 'filtered-model' });
    const run = await h.run(id, {});
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const report = await h.get(`/v1/runs/${run.id}/report`);
    // each withheld answer is a failed call tried once (an `error` decision), never an empty answer read as unparsed
    expect(report.body.subject.decisions.error).toBeGreaterThan(0);
    expect(report.body.subject.calls.failed).toBeGreaterThan(0);
    expect(report.body.subject.calls.retried).toBe(0);
    const page = await h.get(`/v1/runs/${run.id}/transcripts?limit=500`);
    const errors = page.body.items.map((c: { error: string | null }) => c.error).filter(Boolean);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toBe("the provider's content filter withheld the answer (finish_reason content_filter)");
  }, 120_000);

  /** A run of an endpoint that passes the connectivity check, then answers every prompt with `content`. */
  async function runAnsweringOnly(model: string, content: string, opts: { inRefusalField?: boolean } = {}) {
    const i = track(
      await startImitation((r) => {
        const a = simulatedAnswer(r.body);
        const probe = JSON.stringify(r.body?.messages ?? '').includes('connectivity check');
        const message = openAIMessage({ ...a, content: probe ? a.content : content, toolCalls: probe ? a.toolCalls : null });
        // OpenAI's shape for a declined answer: null content, the words in `refusal`
        const shaped = opts.inRefusalField && !probe ? { ...message, content: null, refusal: content } : message;
        return json(200, completion(model, shaped, 'stop', usage(r.body, 4)));
      }),
    );
    const id = await h.register({ baseUrl: `${i.origin}/v1`, model });
    expect((await h.probe(id)).body).toMatchObject({ ready: true });
    return h.run(id, { webhookUrl: receiver });
  }

  it('a run whose answers are mostly unreadable ends failed with insufficient-valid-answers; the report is kept', async () => {
    // answers the connectivity check, then only mumbles
    const run = await runAnsweringOnly('mumbler', 'Hmm, hard to say.');
    expect(run.status).toBe('failed');
    expect(run.error.type).toBe(`${PROBLEMS}insufficient-valid-answers`);
    await expectRunFailedWebhook(run.id);
    expect(run.error.detail).toMatch(/unparsed/);
    const report = await h.get(`/v1/runs/${run.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.subject.decisions.unparsed).toBeGreaterThan(0);
    expect((await gate(run.id)).code).toBe(2);
    // the console links the kept report, and follows nothing live (an ended run's stream would reload the page)
    const cookie = await consoleSession(h.app, h.token);
    const page = await (await h.app.request(`/console/runs/${run.id}`, { headers: { cookie } })).text();
    expect(page).toContain('Report kept for diagnosis (HTML)');
    expect(page).toContain('The run failed: it kept its report for diagnosis');
    expect(page).not.toContain('data-events=');
  });

  it('a run whose answers are all refusals ends failed with nothing-scored, naming why each testbed left the score', async () => {
    // refusals are readable answers, so validity holds, but no testbed has a choice to score
    const run = await runAnsweringOnly('refuser', "I'm sorry, but I can't help with that.");
    expect(run.status).toBe('failed');
    expect(run.error.type).toBe(`${PROBLEMS}nothing-scored`);
    expect(run.error.detail).toMatch(/role-play left the score/);
    expect(run.error.detail).toMatch(/0 of \d+ answers were read as a choice \(\d+ refused/);
    await expectRunFailedWebhook(run.id);
    const report = await h.get(`/v1/runs/${run.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.subject.scoreStatus).toBe('unavailable');
    expect((await gate(run.id)).code).toBe(2);
  });

  it('refusals given in OpenAI\'s refusal field (content null) are read as refused, not as empty answers', async () => {
    const words = 'I must decline to take part in this scenario.';
    const run = await runAnsweringOnly('field-refuser', words, { inRefusalField: true });
    expect(run.status).toBe('failed');
    expect(run.error.type).toBe(`${PROBLEMS}nothing-scored`);
    expect(run.error.detail).toMatch(/0 of \d+ answers were read as a choice \(\d+ refused/);
    const report = await h.get(`/v1/runs/${run.id}/report`);
    expect(report.body.subject.decisions.unparsed).toBe(0);
    expect(report.body.subject.decisions.refused).toBeGreaterThan(0);
    const page = await h.get(`/v1/runs/${run.id}/transcripts?limit=5`);
    const answered = page.body.items.find((t: { parse: unknown }) => t.parse !== null);
    expect(answered.response).toMatchObject({ content: null, refusal: words });
    expect(answered.parse).toMatchObject({ status: 'refused', rule: 'refusal' });
  });
});
