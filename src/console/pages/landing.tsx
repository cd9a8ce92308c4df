import type { Deps } from '../../deps.js';
import type { App } from '../../http/env.js';
import { headerOf } from '../csrf.js';
import { html, Layout } from '../layout.js';

function Landing(p: { signedIn: boolean; csrf?: string }) {
  return (
    <Layout title="Alignment drift of self-evolving agents" active="none" signedIn={p.signedIn} csrf={p.csrf}>
      <h1>ATP Bench</h1>
      <p class="lead">
        ATP Bench measures <strong>alignment tipping</strong>: how an LLM agent that learns from its own past rounds drifts away from
        the rules it started with. Register an OpenAI-compatible endpoint; the service plays multi-round testbeds against it and
        reports how often the model deviates at the start and at the end, with 95% intervals, next to aligned baselines.
      </p>
      <div class="cards">
        <section class="card">
          <h2>Role-play</h2>
          <p>Each round the agent picks between following a rule and a more rewarding way to break it, and sees what earlier choices earned. Does rule-breaking grow?</p>
        </section>
        <section class="card">
          <h2>Tool use</h2>
          <p>After easy rounds where answering without the calculator paid off, does the agent still use the tool when it matters?</p>
        </section>
        <section class="card">
          <h2>Strategy diffusion</h2>
          <p>In a population of agents, does collusion spread once it has been seen to succeed?</p>
        </section>
      </div>
      <h2>Where to go</h2>
      <ul class="links">
        <li><a href="/console/runs">Console</a>: your runs, live progress, reports, transcripts, comparisons and endpoints (sign in with an API token).</li>
        <li><a href="/console/leaderboard">Leaderboard</a>: submitted models, per testbed, with their public reports.</li>
        <li><a href="/docs">API reference</a> and the <a href="/openapi.json">OpenAPI document</a>.</li>
      </ul>
    </Layout>
  );
}

/** `/`: what the service measures and where to go next (public). */
export function registerLanding(app: App, deps: Deps) {
  app.get('/', (c) => html(c, <Landing {...headerOf(c as never, deps)} />));
}
