import type { Deps } from '../../deps.js';
import type { TranscriptPage } from '../../services/transcripts.js';
import { ARMS, type Arm } from '../../testbeds/types.js';
import { listRunEpisodes, listRunScenarios } from '../../services/run-reports.js';
import { getRunView, type RunView } from '../../services/run-views.js';
import { exportTranscripts } from '../../services/transcript-export.js';
import { countTranscripts, listTranscripts } from '../../services/transcripts.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import { invalidInput } from '../../lib/errors.js';
import type { ConsoleApp } from '../env.js';
import { csrfToken } from '../csrf.js';
import { DEFAULT_ANSWER_NOUN, kindName, testbedLabels } from '../format.js';
import { html, Layout } from '../layout.js';
import { assertScope, requireSignedIn } from '../session.js';

type Item = TranscriptPage['items'][number];
type Reading = 'deviant' | 'unread';

interface Picks {
  testbed?: string;
  scenario?: string;
  episode?: string;
  /** the model or one of its baselines (its label; `subject` for the model) */
  who?: string;
  /** treatment or control episodes */
  arm?: Arm;
  reading?: Reading;
}

const PAGE = 40;
/** episodes offered in the picker */
const EPISODE_OPTIONS = 200;
const DEVIANT_ROLES = new Set(['violating', 'collusive']);

function href(runId: string, p: Picks, cursor?: string) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return `/console/runs/${runId}/transcripts?${q}`;
}

/** How a stored answer was read, in words (the reader's own status names are the API's). */
const UNREAD_WORDS: Record<string, string> = {
  unparsed: 'no choice found in it',
  ambiguous: 'more than one possible choice in it',
  refused: 'the model refused',
  truncated: 'cut off before its end',
};

/**
 * How an answer was read: green rule-following, red deviant, yellow not read as a choice. A call that failed (the
 * endpoint gave no answer) is none of these: it is grey, never red, which says deviant.
 */
function Reading({ item, noun, deviation }: { item: Item; noun: string; deviation: string }) {
  const parse = item.parse as (Item['parse'] & { rule?: string }) | null;
  if (item.error || parse?.status === 'error') return <p class="reading failed">Call failed, no answer to read: {item.error ?? 'the endpoint gave no answer'}</p>;
  if (!parse) return <p class="reading muted">Intermediate step (not read as a decision)</p>;
  const deviant = !!parse.role && DEVIANT_ROLES.has(parse.role);
  const tone = parse.status !== 'parsed' ? 'warn' : deviant ? 'bad' : 'good';
  return (
    <p class={`reading ${tone}`}>
      {parse.status === 'parsed' ? <strong>Read:</strong> : <strong>Not read as a {noun}:</strong>}{' '}
      {parse.status === 'parsed' ? null : UNREAD_WORDS[parse.status] ?? parse.status}
      {parse.choice !== null ? <>{parse.status === 'parsed' ? '' : ' · '}{noun} <q>{parse.choice}</q></> : null}
      {parse.role ? <> · <span class="role" title={`option role: ${parse.role}`}>{deviant ? 'deviant' : 'rule-following'}</span>{deviant ? ` (${deviation})` : ''}</> : null}
      {parse.rule ? <> <small>· reading rule <code>{parse.rule}</code></small></> : null}
    </p>
  );
}

function Turn({ item, showContext, noun, deviation, who }: { item: Item; showContext: boolean; noun: string; deviation: string; who: string }) {
  const messages = item.request.messages;
  const last = messages.at(-1);
  const earlier = messages.slice(0, -1);
  return (
    <article class="turn" id={`call-${item.id}`}>
      <h3>
        Round {item.round}
        {item.agent ? ` · agent ${item.agent}` : ''}
        {item.step ? ` · step ${item.step}` : ''} · <span class={`arm ${item.arm}`}>{item.arm === 'control' ? 'without reward feedback (control)' : 'with reward feedback'}</span>{' '}
        <small>{who} · {item.scenarioId} · {Object.entries(item.params).map(([k, v]) => `${k} ${v}`).join(', ')}</small>
      </h3>
      {showContext && earlier.length > 0 ? (
        <details>
          <summary>Earlier messages ({earlier.length})</summary>
          {earlier.map((m) => <div class={`msg ${m.role}`}><span class="who">{m.role}</span><pre>{m.content ?? ''}</pre></div>)}
        </details>
      ) : null}
      {last ? <div class={`msg ${last.role}`}><span class="who">{last.role}</span><pre>{last.content ?? ''}</pre></div> : null}
      {item.response ? (
        <div class="msg assistant">
          <span class="who">answer</span>
          <pre>{item.response.content ?? ''}</pre>
          {item.response.toolCalls.length > 0 ? <pre class="tools">{JSON.stringify(item.response.toolCalls, null, 1)}</pre> : null}
          {item.response.reasoning ? <details><summary>Reasoning returned by the server</summary><pre>{item.response.reasoning}</pre></details> : null}
        </div>
      ) : null}
      <Reading item={item} noun={noun} deviation={deviation} />
    </article>
  );
}

interface ViewProps {
  csrf: string;
  run: RunView;
  /** the testbeds the service runs, for the filter: id, title, what a read answer holds and what deviating means */
  testbeds: { id: string; title: string; answer: string; deviation: string }[];
  picks: Picks;
  scenarios: string[];
  episodes: { id: string; key: string; subjectIdx: number }[];
  items: Item[];
  next: string | null;
  cursor?: string;
  /** where this page stands among the calls the filters match */
  position: { total: number; before: number };
}

function TranscriptsPage(p: ViewProps) {
  const r = p.run;
  const whos = r.subjects.map((s, i) => ({ value: i === 0 ? 'subject' : s.label, text: `${s.label} (${kindName(s.kind)})` }));
  // a call names its model as the transcript API does (`subject` for the run's own): shown by its label, as elsewhere
  const labelOf = (subject: string) => (subject === 'subject' ? (r.subjects[0]?.label ?? subject) : subject);
  const first = p.position.before + 1;
  const last = p.position.before + p.items.length;
  const noun = p.testbeds.find((t) => t.id === p.picks.testbed)?.answer;
  const unit = p.position.total === 1 ? 'call' : 'calls';
  return (
    <Layout title={`Transcripts of ${r.id}`} active="runs" csrf={p.csrf} signedIn>
      <h1>Transcripts <small><a href={`/console/runs/${r.id}`}>run {r.id}</a></small></h1>
      <form method="get" action={`/console/runs/${r.id}/transcripts`} class="filters">
        <label>Testbed<select name="testbed"><option value="">any</option>{p.testbeds.map((t) => <option value={t.id} selected={p.picks.testbed === t.id}>{t.title}</option>)}</select></label>
        <label>Scenario<select name="scenario"><option value="">any</option>{p.scenarios.map((s) => <option value={s} selected={p.picks.scenario === s}>{s}</option>)}</select></label>
        <label>Model<select name="who"><option value="">all</option>{whos.map((a) => <option value={a.value} selected={p.picks.who === a.value}>{a.text}</option>)}</select></label>
        <label>Reward feedback<select name="arm"><option value="">with and without</option><option value="treatment" selected={p.picks.arm === 'treatment'}>with (treatment)</option><option value="control" selected={p.picks.arm === 'control'}>without (control)</option></select></label>
        <label>Episode<select name="episode"><option value="">any</option>{p.episodes.map((e) => <option value={e.id} selected={p.picks.episode === e.id}>{e.key}{p.picks.who ? '' : ` · ${whos[e.subjectIdx]?.text ?? e.subjectIdx}`}</option>)}</select></label>
        <label>Show<select name="reading"><option value="">every answer</option><option value="deviant" selected={p.picks.reading === 'deviant'}>deviant choices only</option><option value="unread" selected={p.picks.reading === 'unread'}>answers not read as a {noun ?? 'choice'} only</option></select></label>
        <button type="submit">Show</button>
      </form>
      <p class="note">
        Pick a testbed and scenario to list episodes; choose one to read it round by round. Each answer is followed by how it was read:
        <span class="legend good">rule-following</span> <span class="legend bad">deviant</span> <span class="legend warn">not read as a {noun ?? 'choice'}</span>{' '}
        <span class="legend failed">call failed</span>.
        Episode names: <code>L</code> the temptation level (the violating option pays that many times more),{' '}
        <code>vf</code> / <code>cf</code> the violating or the compliant option listed first, <code>p</code> the round of the tool-use
        probe, <code>t</code> how many of the group must invest, <code>S</code> the repeat (samples).
      </p>
      {p.items.length === 0 ? null : (
        <p class="pager-status" role="status">
          Model calls {first}–{last} of {p.position.total}
        </p>
      )}
      {p.items.length === 0 ? <p class="empty">No calls match these filters{p.cursor && p.position.total > 0 ? ` after this point (${p.position.total} ${unit} in all)` : ''}.</p> : p.items.map((item, i) => {
        const t = p.testbeds.find((x) => x.id === item.testbed);
        return <Turn item={item} noun={t?.answer ?? DEFAULT_ANSWER_NOUN} deviation={t?.deviation ?? 'deviated'} who={labelOf(item.subject)} showContext={!!p.picks.episode ? i === 0 && !p.cursor : false} />;
      })}
      <nav class="pager actions" aria-label="pages">
        {p.cursor ? <a href={href(r.id, p.picks)}>← First page</a> : null}
        {p.next ? <a href={href(r.id, p.picks, p.next)}>Next page →</a> : null}
        {p.items.length > 0 && (p.cursor || p.next) ? <span>calls {first}–{last} of {p.position.total}</span> : null}
      </nav>
    </Layout>
  );
}

/**
 * The run subject a `who` filter names (`subject`, or a baseline's label), -1 for none; a name the run does not
 * have is a mistake to report like an unknown testbed, not an empty page.
 */
function whoIndex(run: RunView, who: string | undefined): number {
  if (!who) return -1;
  const i = run.subjects.findIndex((s, idx) => (idx === 0 ? 'subject' : s.label) === who);
  if (i < 0) throw invalidInput([{ field: 'who', message: `no such model in this run; expected subject or one of its baselines (${run.subjects.slice(1).map((s) => s.label).join(', ') || 'none'})` }]);
  return i;
}

/**
 * The filters of a transcripts URL. A value the form never offers (a hand-edited or stale link) is a mistake to
 * report, as the API does: read as "any", a download would silently hold every call of the run.
 */
function picksFrom(registry: TestbedRegistry, q: (k: string) => string | undefined): Picks {
  const t = q('testbed');
  const testbed = registry.has(t) ? t : undefined;
  const reading = (['deviant', 'unread'] as const).find((r) => r === q('reading'));
  const wrong = [
    t && !testbed ? { field: 'testbed', message: `unknown testbed; known: ${registry.ids.join(', ')}` } : null,
    q('reading') && !reading ? { field: 'reading', message: 'expected deviant or unread' } : null,
    q('arm') && !ARMS.some((a) => a === q('arm')) ? { field: 'arm', message: `expected ${ARMS.join(' or ')}` } : null,
  ].filter((x) => x !== null);
  if (wrong.length > 0) throw invalidInput(wrong);
  const s = (k: string) => q(k)?.slice(0, 200) || undefined;
  const arm = ARMS.find((a) => a === q('arm'));
  return { testbed, scenario: s('scenario'), episode: s('episode'), who: s('who'), arm, reading };
}

/** Every registered testbed by its console label (see testbedLabels). */
const testbedChoices = (registry: TestbedRegistry) =>
  registry.list().map((m) => {
    const { title, answer, deviation } = testbedLabels(m);
    return { id: m.id, title, answer, deviation };
  });

const filtersOf = (p: Picks) => ({ testbed: p.testbed, scenarioId: p.scenario, episodeId: p.episode, subject: p.who, arm: p.arm, reading: p.reading });

export function registerTranscriptsPage(ui: ConsoleApp, deps: Deps) {
  ui.get('/runs/:id/transcripts', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:read');
    const run = await getRunView(deps, tenantId, c.req.param('id'));
    const asked = picksFrom(deps.testbeds, (k) => c.req.query(k));
    const cursor = c.req.query('cursor')?.slice(0, 200) || undefined;
    const whoIdx = whoIndex(run, asked.who);
    const scenarios = asked.testbed ? await listRunScenarios(deps, run.id, asked.testbed) : [];
    // a scenario or episode left over from another testbed (the form sends every select) is dropped, so the list
    // shows what the form shows instead of an empty page filtered by something no longer on screen
    const scenario = asked.scenario && scenarios.includes(asked.scenario) ? asked.scenario : undefined;
    const episodes = asked.testbed && scenario
      ? await listRunEpisodes(deps, run.id, { testbed: asked.testbed, scenarioId: scenario, subjectIdx: whoIdx >= 0 ? whoIdx : undefined, limit: EPISODE_OPTIONS })
      : [];
    // (an episode is dropped only when the list is complete: beyond its first EPISODE_OPTIONS it may still exist)
    const listed = !asked.episode || episodes.length >= EPISODE_OPTIONS || episodes.some((e) => e.id === asked.episode);
    const episode = scenario && listed ? asked.episode : undefined;
    const picks: Picks = { ...asked, scenario, episode };
    const page = await listTranscripts(deps, run.id, { ...filtersOf(picks), limit: PAGE, cursor });
    const position = await countTranscripts(deps, run.id, { ...filtersOf(picks), cursor });
    return html(c, <TranscriptsPage csrf={csrfToken(c, deps)} run={run} testbeds={testbedChoices(deps.testbeds)} picks={picks} scenarios={scenarios} episodes={episodes} items={page.items} next={page.nextCursor} cursor={cursor} position={position} />);
  });

  for (const format of ['jsonl', 'csv'] as const) {
    ui.get(`/runs/:id/transcripts.${format}`, requireSignedIn(), async (c) => {
      const tenantId = assertScope(c, 'runs:read');
      const run = await getRunView(deps, tenantId, c.req.param('id'));
      const picks = picksFrom(deps.testbeds, (k) => c.req.query(k));
      whoIndex(run, picks.who);
      return exportTranscripts(deps, run.id, filtersOf(picks), format);
    });
  }
}
