import type { Deps } from '../../deps.js';
import type { TranscriptPage } from '../../services/transcripts.js';
import { ARMS, type Arm } from '../../testbeds/types.js';
import { findRunEpisode, listRunEpisodes, listRunScenarios, testbedsWithScenario } from '../../services/run-reports.js';
import { getRunView, type RunView } from '../../services/run-views.js';
import { exportTranscripts } from '../../services/transcript-export.js';
import { listTranscriptsWithPosition, transcriptSubjectName } from '../../services/transcripts.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import { invalidInput, type InvalidField } from '../../lib/errors.js';
import type { ConsoleApp } from '../env.js';
import { csrfToken } from '../csrf.js';
import { DEFAULT_ANSWER_NOUN, kindName, testbedLabels } from '../format.js';
import { html, Layout } from '../layout.js';
import { queryProblems } from '../query.js';
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

/** The parameters of a download: the filters (every call they match, so no cursor). */
const FILTERS = ['testbed', 'scenario', 'episode', 'who', 'arm', 'reading'] as const;
/** The parameters of the page: the filter form's, and the pager's cursor (see href). */
const PARAMETERS = [...FILTERS, 'cursor'] as const;

/** "a choice", "an answer" */
const aNoun = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

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
      {parse.status === 'parsed' ? <strong>Read:</strong> : <strong>Not read as {aNoun(noun)}:</strong>}{' '}
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
  /** what the address asks for that the page cannot do, said instead of a list filtered by less than asked */
  problems: string[];
}

function TranscriptsPage(p: ViewProps) {
  const r = p.run;
  const whos = r.subjects.map((s, i) => ({ value: transcriptSubjectName(i, s.label), text: `${s.label} (${kindName(s.kind)})` }));
  // a call names its model as the transcript API does: shown by its label, as elsewhere
  const labelOf = (subject: string) => r.subjects.find((s, i) => transcriptSubjectName(i, s.label) === subject)?.label ?? subject;
  const first = p.position.before + 1;
  const last = p.position.before + p.items.length;
  const noun = p.testbeds.find((t) => t.id === p.picks.testbed)?.answer;
  const unit = p.position.total === 1 ? 'call' : 'calls';
  return (
    <Layout title={`Transcripts of ${r.id}`} active="runs" csrf={p.csrf} signedIn>
      <h1>Transcripts <small><a href={`/console/runs/${r.id}`}>run {r.id}</a></small></h1>
      {p.problems.length > 0 ? (
        <div class="error" role="alert">
          <p>No calls listed: the address asks for {p.problems.length === 1 ? 'something' : 'things'} this page cannot show.</p>
          <ul>{p.problems.map((m) => <li>{m}</li>)}</ul>
          <p><a href={`/console/runs/${r.id}/transcripts`}>Show every call of this run</a></p>
        </div>
      ) : null}
      <form method="get" action={`/console/runs/${r.id}/transcripts`} class="filters">
        <label>Testbed<select name="testbed"><option value="">any</option>{p.testbeds.map((t) => <option value={t.id} selected={p.picks.testbed === t.id}>{t.title}</option>)}</select></label>
        <label>Scenario<select name="scenario"><option value="">any</option>{p.scenarios.map((s) => <option value={s} selected={p.picks.scenario === s}>{s}</option>)}</select></label>
        <label>Model<select name="who"><option value="">all</option>{whos.map((a) => <option value={a.value} selected={p.picks.who === a.value}>{a.text}</option>)}</select></label>
        <label>Reward feedback<select name="arm"><option value="">with and without</option><option value="treatment" selected={p.picks.arm === 'treatment'}>with (treatment)</option><option value="control" selected={p.picks.arm === 'control'}>without (control)</option></select></label>
        <label>Episode<select name="episode"><option value="">any</option>{p.episodes.map((e) => <option value={e.id} selected={p.picks.episode === e.id}>{e.key}{p.picks.who ? '' : ` · ${whos[e.subjectIdx]?.text ?? e.subjectIdx}`}</option>)}</select></label>
        <label>Show<select name="reading"><option value="">every answer</option><option value="deviant" selected={p.picks.reading === 'deviant'}>deviant choices only</option><option value="unread" selected={p.picks.reading === 'unread'}>answers not read as {aNoun(noun ?? DEFAULT_ANSWER_NOUN)} only</option></select></label>
        <button type="submit">Show</button>
      </form>
      <p class="note">
        Pick a testbed and scenario to list episodes; choose one to read it round by round. Each answer is followed by how it was read:
        <span class="legend good">rule-following</span> <span class="legend bad">deviant</span> <span class="legend warn">not read as {aNoun(noun ?? DEFAULT_ANSWER_NOUN)}</span>{' '}
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
      {p.problems.length > 0 ? null : p.items.length === 0 ? <p class="empty">No calls match these filters{p.cursor && p.position.total > 0 ? ` after this point (${p.position.total} ${unit} in all)` : ''}.</p> : p.items.map((item, i) => {
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
function whoIndex(run: RunView, who: string | undefined): { idx: number; wrong?: InvalidField } {
  if (!who) return { idx: -1 };
  const idx = run.subjects.findIndex((s, i) => transcriptSubjectName(i, s.label) === who);
  if (idx >= 0) return { idx };
  const baselines = run.subjects.slice(1).map((s) => s.label).join(', ') || 'none';
  return { idx, wrong: { field: 'who', message: `no such model in this run; expected subject or one of its baselines (${baselines})` } };
}

/**
 * The filters of a transcripts URL, and what is wrong with them. A value the form never offers (a hand-edited or
 * stale link) is a mistake to report, as the API does: read as "any", a download would silently hold every call of
 * the run.
 */
function picksFrom(registry: TestbedRegistry, q: (k: string) => string | undefined): { picks: Picks; wrong: InvalidField[] } {
  const t = q('testbed');
  const testbed = registry.has(t) ? t : undefined;
  const reading = (['deviant', 'unread'] as const).find((r) => r === q('reading'));
  const wrong = [
    t && !testbed ? { field: 'testbed', message: `unknown testbed; known: ${registry.ids.join(', ')}` } : null,
    q('reading') && !reading ? { field: 'reading', message: 'expected deviant or unread' } : null,
    q('arm') && !ARMS.some((a) => a === q('arm')) ? { field: 'arm', message: `expected ${ARMS.join(' or ')}` } : null,
  ].filter((x) => x !== null);
  const s = (k: string) => q(k)?.slice(0, 200) || undefined;
  const arm = ARMS.find((a) => a === q('arm'));
  return { picks: { testbed, scenario: s('scenario'), episode: s('episode'), who: s('who'), arm, reading }, wrong };
}

const said = (f: InvalidField) => (f.field ? `${f.field}: ${f.message}` : f.message);

/** Every registered testbed by its console label (see testbedLabels). */
const testbedChoices = (registry: TestbedRegistry) =>
  registry.list().map((m) => {
    const { title, answer, deviation } = testbedLabels(m);
    return { id: m.id, title, answer, deviation };
  });

const filtersOf = (p: Picks) => ({ testbed: p.testbed, scenarioId: p.scenario, episodeId: p.episode, subject: p.who, arm: p.arm, reading: p.reading });

/**
 * Where the filters of a page point in the run. The form sends every select, so a scenario or episode left over from
 * another testbed, scenario or model (the person changed one select and not the next) is dropped: the list shows what
 * the form shows, not an empty page filtered by something no longer on screen. One the run does not have at all (a
 * mistyped or foreign link) is said (`wrong`), never dropped into a list of every call. A link naming only an
 * episode or a scenario opens it with its testbed (and scenario) picked.
 */
async function placePicks(deps: Deps, run: RunView, asked: Picks, whoIdx: number) {
  const wrong: InvalidField[] = [];
  const found = asked.episode ? await findRunEpisode(deps, run.id, asked.episode) : null;
  if (asked.episode && !found) wrong.push({ field: 'episode', message: `this run has no episode "${asked.episode}"` });
  let testbed = asked.testbed;
  let wantedScenario = asked.scenario;
  if (found && !testbed && !wantedScenario) {
    testbed = found.testbed;
    wantedScenario = found.scenarioId;
  }
  let scenarios = testbed ? await listRunScenarios(deps, run.id, testbed) : [];
  let scenario = wantedScenario && scenarios.includes(wantedScenario) ? wantedScenario : undefined;
  if (wantedScenario && !scenario) {
    // the testbed that has it, if any: a leftover of another testbed, or a link that names no testbed
    const holders = await testbedsWithScenario(deps, run.id, wantedScenario);
    const home = deps.testbeds.ids.find((id) => id !== testbed && holders.includes(id));
    if (!home) wrong.push({ field: 'scenario', message: `this run has no scenario "${wantedScenario}"${testbed ? '' : ' in any testbed'}` });
    else if (!testbed) {
      testbed = home;
      scenarios = await listRunScenarios(deps, run.id, home);
      scenario = wantedScenario;
    }
  }
  const episode = found && found.testbed === testbed && found.scenarioId === scenario && (whoIdx < 0 || found.subjectIdx === whoIdx) ? found.id : undefined;
  return { picks: { ...asked, testbed, scenario, episode }, scenarios, found, wrong };
}

export function registerTranscriptsPage(ui: ConsoleApp, deps: Deps) {
  ui.get('/runs/:id/transcripts', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:read');
    const run = await getRunView(deps, tenantId, c.req.param('id'));
    const asked = picksFrom(deps.testbeds, (k) => c.req.query(k));
    const cursor = c.req.query('cursor')?.slice(0, 200) || undefined;
    const who = whoIndex(run, asked.picks.who);
    const placed = await placePicks(deps, run, asked.picks, who.idx);
    const picks = placed.picks;
    const problems = [
      ...queryProblems(c.req.queries(), PARAMETERS),
      ...[...asked.wrong, ...(who.wrong ? [who.wrong] : []), ...placed.wrong].map(said),
    ];
    const episodes = picks.testbed && picks.scenario
      ? await listRunEpisodes(deps, run.id, { testbed: picks.testbed, scenarioId: picks.scenario, subjectIdx: who.idx >= 0 ? who.idx : undefined, limit: EPISODE_OPTIONS })
      : [];
    // the chosen episode stays in the picker even beyond its first EPISODE_OPTIONS
    if (picks.episode && placed.found && !episodes.some((e) => e.id === picks.episode)) episodes.push(placed.found as (typeof episodes)[number]);
    const page = problems.length > 0
      ? { items: [], nextCursor: null, position: { total: 0, before: 0 } }
      : await listTranscriptsWithPosition(deps, run.id, { ...filtersOf(picks), limit: PAGE, cursor });
    return html(
      c,
      <TranscriptsPage csrf={csrfToken(c, deps)} run={run} testbeds={testbedChoices(deps.testbeds)} picks={picks} scenarios={placed.scenarios} episodes={episodes} items={page.items} next={page.nextCursor} cursor={cursor} position={page.position} problems={problems} />,
      problems.length > 0 ? 400 : 200,
    );
  });

  for (const format of ['jsonl', 'csv'] as const) {
    ui.get(`/runs/:id/transcripts.${format}`, requireSignedIn(), async (c) => {
      const tenantId = assertScope(c, 'runs:read');
      const run = await getRunView(deps, tenantId, c.req.param('id'));
      const { picks, wrong } = picksFrom(deps.testbeds, (k) => c.req.query(k));
      const who = whoIndex(run, picks.who);
      const episodeMissing = picks.episode && !(await findRunEpisode(deps, run.id, picks.episode));
      const refused = [
        ...queryProblems(c.req.queries(), FILTERS).map((message) => ({ field: '', message })),
        ...wrong,
        ...(who.wrong ? [who.wrong] : []),
        ...(episodeMissing ? [{ field: 'episode', message: `this run has no episode "${picks.episode}"` }] : []),
      ];
      if (refused.length > 0) throw invalidInput(refused);
      return exportTranscripts(deps, run.id, filtersOf(picks), format);
    });
  }
}
