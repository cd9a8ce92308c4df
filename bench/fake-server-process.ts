// Runs the OpenAI-compatible fake server in its own process so the benchmark measures the service, not the
// fake model competing for the same event loop. Talks to the parent over IPC.
import { startFakeOpenAI } from '../test/support/openai-server.js';
import { hashPolicy } from '../test/support/policies.js';

const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? '0');
const server = await startFakeOpenAI({ latencyMs, respond: hashPolicy, record: false });
process.send!({ type: 'ready', url: server.url });
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'stats') process.send!({ type: 'stats', stats: { ...server.stats } });
  if (msg.type === 'reset') {
    server.stats.peakInFlight = 0;
    server.stats.total = 0;
    process.send!({ type: 'reset' });
  }
  if (msg.type === 'close') void server.close().then(() => process.exit(0));
});
