// Runs the OpenAI-compatible fake server in its own process so the benchmark measures the service, not the
// fake model competing for the same event loop. Talks to the parent over IPC.
//
//   FAKE_LATENCY_MS  fixed latency of every answer (default 0)
//   FAKE_HEAVY=1     heavy-tailed mode: each answer's latency is drawn lognormal (median FAKE_MEDIAN_MS, p99
//                    FAKE_P99_MS) from a seeded generator, and FAKE_429_RATE of first attempts get 429 with
//                    `Retry-After: 1` (the retry of the same request is answered)
//   FAKE_RECORD=1    keep the request bodies (the bench's bare-SDK floor replays them)
//   FAKE_ANSWER=hostile  every answer is the 160 KB `"choice: "` × 20,000 of issue 14 (bench:health)
import { createHash } from 'node:crypto';
import { startFakeOpenAI, type FakeReply } from '../test/support/openai-server.js';
import { hashPolicy } from '../test/support/policies.js';

const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? '0');
const heavy = process.env.FAKE_HEAVY === '1';
const median = Number(process.env.FAKE_MEDIAN_MS ?? 1000);
const p99 = Number(process.env.FAKE_P99_MS ?? 8000);
const rate429 = Number(process.env.FAKE_429_RATE ?? 0.05);
// lognormal: ln X ~ N(mu, sigma²); the 99th percentile of N(0,1) is 2.3263
const mu = Math.log(median);
const sigma = Math.log(p99 / median) / 2.3263;

// mulberry32, seeded: the same bench run draws the same latencies
let state = Number(process.env.FAKE_SEED ?? 1) >>> 0;
const uniform = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

const drawn: number[] = [];
const throttled = new Set<string>();
let answered429 = 0;

async function heavyRespond(body: unknown): Promise<FakeReply> {
  const key = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
  if (!throttled.has(key) && uniform() < rate429) {
    throttled.add(key);
    answered429++;
    return { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'rate limited', type: 'rate_limit' } } };
  }
  const ms = Math.exp(mu + sigma * normal());
  drawn.push(ms);
  await new Promise((r) => setTimeout(r, ms));
  return hashPolicy(body);
}

const HOSTILE = 'choice: '.repeat(20_000);
const hostile = process.env.FAKE_ANSWER === 'hostile';

const server = await startFakeOpenAI({
  latencyMs: heavy ? 0 : latencyMs,
  respond: heavy ? heavyRespond : hostile ? () => ({ content: HOSTILE }) : hashPolicy,
  record: process.env.FAKE_RECORD === '1',
});
process.send!({ type: 'ready', url: server.url });
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'stats') process.send!({ type: 'stats', stats: { ...server.stats, answered429, drawnMs: drawn.reduce((a, b) => a + b, 0) } });
  if (msg.type === 'bodies') process.send!({ type: 'bodies', stats: server.requests.map((r) => r.body) });
  if (msg.type === 'reset') {
    server.stats.peakInFlight = 0;
    server.stats.total = 0;
    server.requests.length = 0;
    process.send!({ type: 'reset', stats: null });
  }
  if (msg.type === 'close') void server.close().then(() => process.exit(0));
});
