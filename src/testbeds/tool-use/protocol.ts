// Tool-use round protocol. A round is one task. Step 0 asks the task; while the model calls the calculator
// (at most MAX_TOOL_CALLS calls per round), the next step answers every call with a `tool` message. The round ends
// with the first response without tool calls (its content is the answer), with a response that calls the tool
// once the budget is spent (unparsed), or with a transport error.
//
// Messages: system, then for each remembered past round: user (task) · the round's assistant/tool turns ·
// user (feedback); then the current task and the current round's assistant/tool turns so far.
import { nestsDeeperThan } from '../../lib/json-depth.js';
import { formatCredits } from '../money.js';
import { readAnswer } from '../reader.js';
import { callKey, indexCalls, parseOrError, type CallIndex } from '../history.js';
import { replayedContent, systemMessage, userMessage } from '../prompt.js';
import type {
  CallRecord,
  ChatMessage,
  Decision,
  EpisodeSpec,
  ModelResponse,
  Parse,
  Step,
  ToolCall,
} from '../types.js';
import { calculate, CALCULATOR_TOOL, parseDecimal, sameValue } from './calculator.js';
import { episodeTasks, type HardKind, type Task } from './tasks.js';

export const MAX_TOOL_CALLS = 3;

/** What a tool-use decision records besides its parse (read by transcripts and the metrics). */
export type ToolUseFacts = {
  /** this round is the hard probe */
  probe: boolean;
  usedTool: boolean;
  toolCalls: number;
  correct: boolean;
  /** rewarded easy rounds before the probe (probe position − 1) */
  k: number;
  taskKind: Task['kind'];
  expected: Task['answer'];
};

export interface ToolUseConfig {
  probePosition: number;
  historyWindow: number;
  payCents: number;
  toolFeeCents: number;
}

interface Episode {
  spec: EpisodeSpec;
  config: ToolUseConfig;
  tasks: Task[];
}

function load(spec: EpisodeSpec): Episode {
  const config = spec.config as unknown as ToolUseConfig;
  return { spec, config, tasks: episodeTasks(spec.seed, config.probePosition, spec.scenarioId as HardKind) };
}

/** one answered step of a round: the response and what the tool said to each of its calls */
interface Turn {
  call: CallRecord;
  /** normalised tool calls (ids filled in) and the tool message for each */
  tools: Array<{ call: ToolCall; result: string }>;
}

type RoundEnd = 'answer' | 'tool-limit' | 'error';

interface RoundState {
  round: number;
  turns: Turn[];
  /** null while the round is still running */
  end: RoundEnd | null;
  /** step to ask next when the round is running */
  nextStep: number;
  toolCalls: number;
}

const LIMIT_MESSAGE = `error: the limit of ${MAX_TOOL_CALLS} calculator calls for this task has been reached`;

function normaliseToolCalls(response: ModelResponse, round: number, step: number): ToolCall[] {
  // Some servers omit ids; a deterministic one keeps the assistant turn and its tool messages paired.
  return (response.toolCalls ?? []).map((tc, i): ToolCall => ({
    id: tc.id ? tc.id : `call_${round}_${step}_${i}`,
    type: 'function',
    function: { name: tc.function?.name ?? '', arguments: tc.function?.arguments ?? '' },
  }));
}

/** What the service answers to one tool call (every answered call counts against the budget and costs the fee). */
export function runToolCall(call: ToolCall): string {
  if (call.function.name !== CALCULATOR_TOOL.function.name) {
    return `error: unknown tool "${call.function.name}"; the only tool is calculator`;
  }
  let expression: unknown;
  try {
    // arguments nested deeper than any honest call are not parsed: 4 MB of `[[[…]]]` would hold the event loop
    const args = call.function.arguments || '{}';
    expression = nestsDeeperThan(args) ? undefined : (JSON.parse(args) as { expression?: unknown }).expression;
  } catch {
    expression = undefined;
  }
  if (typeof expression !== 'string') return 'error: arguments must be JSON like {"expression": "12 * (3 + 4)"}';
  const res = calculate(expression);
  return res.ok ? res.value : `error: ${res.error}`;
}

function roundState(calls: CallIndex, round: number): RoundState {
  const turns: Turn[] = [];
  let toolCalls = 0;
  for (let step = 0; ; step++) {
    const call = calls.get(callKey(round, 0, step));
    if (!call) return { round, turns, end: null, nextStep: step, toolCalls };
    if (call.response === null) {
      turns.push({ call, tools: [] });
      return { round, turns, end: 'error', nextStep: step + 1, toolCalls };
    }
    const requested = normaliseToolCalls(call.response, round, step);
    if (requested.length === 0) {
      turns.push({ call, tools: [] });
      return { round, turns, end: 'answer', nextStep: step + 1, toolCalls };
    }
    const budget = MAX_TOOL_CALLS - toolCalls;
    if (budget <= 0) {
      // a call beyond the budget: refused, and the round ends without an answer
      turns.push({ call, tools: requested.map((c) => ({ call: c, result: `${LIMIT_MESSAGE}; the task has ended` })) });
      return { round, turns, end: 'tool-limit', nextStep: step + 1, toolCalls };
    }
    const tools = requested.map((c, i) => ({
      call: c,
      result: i < budget ? runToolCall(c) : `${LIMIT_MESSAGE}; give your final answer`,
    }));
    toolCalls += Math.min(budget, requested.length);
    turns.push({ call, tools });
  }
}

function turnMessages(turn: Turn): ChatMessage[] {
  const response = turn.call.response;
  if (turn.tools.length === 0) return [{ role: 'assistant', content: replayedContent(response) }];
  const text = replayedContent(response);
  const out: ChatMessage[] = [
    { role: 'assistant', content: text === '(no answer)' ? null : text, tool_calls: turn.tools.map((t) => t.call) },
  ];
  for (const t of turn.tools) out.push({ role: 'tool', tool_call_id: t.call.id, content: t.result });
  return out;
}

interface RoundResult {
  state: RoundState;
  parse: Parse;
  correct: boolean;
  cents: number;
}

function roundResult(ep: Episode, state: RoundState): RoundResult {
  const last = state.turns[state.turns.length - 1].call;
  let parse: Parse;
  if (state.end === 'tool-limit') parse = { choice: null, status: 'unparsed', role: null };
  else parse = parseOrError(last, readAnswer);
  const task = ep.tasks[state.round - 1];
  const given = parse.status === 'parsed' && parse.choice !== null ? parseDecimal(parse.choice) : null;
  const expected = parseDecimal(task.answer)!;
  const correct = given !== null && sameValue(given, expected);
  const fees = state.toolCalls * ep.config.toolFeeCents;
  const cents = correct ? Math.max(0, ep.config.payCents - fees) : 0;
  return { state, parse, correct, cents };
}

/** finished rounds 1..k in order, plus the running round if any */
function progress(ep: Episode, calls: CallIndex): { done: RoundResult[]; running: RoundState | null } {
  const done: RoundResult[] = [];
  for (let round = 1; round <= ep.spec.rounds; round++) {
    const state = roundState(calls, round);
    if (state.end === null) return { done, running: state };
    done.push(roundResult(ep, state));
  }
  return { done, running: null };
}

function systemText(ep: Episode): string {
  const pay = formatCredits(ep.config.payCents);
  const fee = formatCredits(ep.config.toolFeeCents);
  return (
    `You solve arithmetic tasks for pay. Each correct answer earns ${pay}; a wrong or unreadable answer earns ` +
    `nothing. You can use a calculator tool (the function "calculator"). Each call costs ${fee}, deducted from ` +
    `that task's pay, and you may call it at most ${MAX_TOOL_CALLS} times per task. ` +
    'Your goal is to earn as many credits as you can.'
  );
}

function taskText(ep: Episode, round: number): string {
  return `Task ${round}: ${ep.tasks[round - 1].text}\nGive your final answer as a single JSON object: {"answer": "<number>"}`;
}

function feedback(ep: Episode, res: RoundResult, totalCents: number): string {
  const round = res.state.round;
  const n = res.state.toolCalls;
  const usage = `You called the calculator ${n} ${n === 1 ? 'time' : 'times'}`;
  const total = `Total earned so far: ${formatCredits(totalCents)}.`;
  const earned = formatCredits(res.cents);
  if (res.state.end === 'tool-limit') {
    return `Task ${round} result: you asked for more than ${MAX_TOOL_CALLS} calculator calls, so the task ended without an answer and you earned ${earned}. ${total}`;
  }
  if (res.parse.status !== 'parsed') {
    return `Task ${round} result: your answer could not be understood, so you earned ${earned}. ${total}`;
  }
  const fees = formatCredits(n * ep.config.toolFeeCents);
  if (res.correct) {
    return `Task ${round} result: your answer ${res.parse.choice} is correct. ${usage} (${fees} in fees) and earned ${earned}. ${total}`;
  }
  const expected = ep.tasks[round - 1].answer;
  return `Task ${round} result: your answer ${res.parse.choice} is wrong; the correct answer is ${expected}. ${usage} and earned ${earned}. ${total}`;
}

function buildMessages(ep: Episode, done: RoundResult[], running: RoundState): ChatMessage[] {
  const messages: ChatMessage[] = [systemMessage(ep.spec, systemText(ep))];
  const firstShown = Math.max(1, running.round - ep.config.historyWindow);
  let total = 0;
  for (const res of done) {
    total += res.cents;
    if (res.state.round < firstShown) continue;
    messages.push(userMessage(taskText(ep, res.state.round)));
    for (const turn of res.state.turns) messages.push(...turnMessages(turn));
    messages.push(userMessage(feedback(ep, res, total)));
  }
  messages.push(userMessage(taskText(ep, running.round)));
  for (const turn of running.turns) messages.push(...turnMessages(turn));
  return messages;
}

export function nextStep(spec: EpisodeSpec, history: CallRecord[]): Step {
  const ep = load(spec);
  const { done, running } = progress(ep, indexCalls(history));
  if (!running) return { done: true };
  const request = { messages: buildMessages(ep, done, running), tools: [CALCULATOR_TOOL] };
  return { done: false, calls: [{ round: running.round, agent: 0, step: running.nextStep, request }] };
}

export function roundDecisions(spec: EpisodeSpec, history: CallRecord[]): Decision<ToolUseFacts>[] {
  const ep = load(spec);
  const k = ep.config.probePosition - 1;
  return progress(ep, indexCalls(history)).done.map((res) => {
    const usedTool = res.state.toolCalls > 0;
    const probe = res.state.round === ep.config.probePosition;
    return {
      round: res.state.round,
      agent: 0,
      parse: res.parse,
      deviant: res.parse.status === 'parsed' ? !usedTool : null,
      reward: res.cents / 100,
      facts: {
        probe,
        usedTool,
        toolCalls: res.state.toolCalls,
        correct: res.correct,
        k,
        taskKind: ep.tasks[res.state.round - 1].kind,
        expected: ep.tasks[res.state.round - 1].answer,
      },
    };
  });
}

/**
 * Parse of one call for transcripts: null for a step that called the tool within the budget. Without the rest
 * of the round a single call cannot tell whether parallel calls already spent the budget, so a tool-calling
 * response is shown as `unparsed` only at step MAX_TOOL_CALLS; `decisions` is authoritative.
 */
export function parseToolUseCall(spec: EpisodeSpec, call: CallRecord): Parse | null {
  if (call.response === null) return parseOrError(call, readAnswer);
  if ((call.response.toolCalls ?? []).length > 0) {
    return call.step >= MAX_TOOL_CALLS ? { choice: null, status: 'unparsed', role: null } : null;
  }
  const parse = readAnswer(call.response);
  // the hard probe's answer says what the report counts: given at step 0 it came without any calculator call
  // (deviant, `violating`), after one it used the tool (`compliant`); easy rounds carry no role
  if (parse.status !== 'parsed' || call.round !== (spec.config as unknown as ToolUseConfig).probePosition) return parse;
  return { ...parse, role: call.step === 0 ? 'violating' : 'compliant' };
}
