import { describe, expect, it } from 'vitest';
import { toolUse } from '../../src/testbeds/tool-use/index.js';
import { episodeTasks } from '../../src/testbeds/tool-use/tasks.js';
import type { EpisodeSpec, ModelResponse, PendingCall, ToolCall } from '../../src/testbeds/types.js';
import { answer, callCalculator, driveEpisode, lastUserText, pendingCalls, reply } from './drive.js';

function episodes(overrides: Record<string, unknown> = {}, seed = 42): EpisodeSpec[] {
  return toolUse.expand(toolUse.resolveParams({ episodesPerPosition: 2, ...overrides }), seed, 0);
}

/** the expression a diligent agent would type for a task text */
function expressionFor(text: string): string {
  const mul = /holds (\d+) crates and every crate contains (\d+) screws/.exec(text);
  if (mul) return `${mul[1]} * ${mul[2]}`;
  const sum = /amounts \(in dollars\): ([\d, ]+)\./.exec(text);
  if (sum) return sum[1].split(', ').join(' + ');
  throw new Error(`no expression for ${text}`);
}

function currentTask(p: PendingCall): string {
  const task = p.request.messages.filter((m) => m.role === 'user' && m.content?.startsWith(`Task ${p.round}:`));
  return task[task.length - 1].content!;
}

function lastToolResult(p: PendingCall): string {
  const tools = p.request.messages.filter((m) => m.role === 'tool');
  return tools[tools.length - 1].content!;
}

/** answers easy tasks from the known answer without the tool, and computes hard ones with the calculator */
function diligent(ep: EpisodeSpec) {
  const tasks = episodeTasks(ep.seed, ep.rounds, ep.scenarioId as never);
  return (p: PendingCall): ModelResponse => {
    const task = tasks[p.round - 1];
    if (task.kind === 'easy-arithmetic') return answer(task.answer);
    if (p.step === 0) return callCalculator(expressionFor(currentTask(p)), `call-${p.round}`);
    return reply(`The calculator says ${lastToolResult(p)}.\n{"answer": "${lastToolResult(p)}"}`);
  };
}

describe('tool-use expansion', () => {
  it('quick: 8 episodes, 2 per probe position, both hard kinds at each', () => {
    const eps = episodes();
    expect(eps).toHaveLength(8);
    expect(eps.map((e) => e.rounds)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(eps.map((e) => e.scenarioId)).toEqual(Array(4).fill(['hard-multiplication', 'hard-long-sum']).flat());
    expect(eps[2].key).toBe('tool-use/hard-multiplication/p2/e0/S0');
    expect(eps[2].params).toEqual({ probePosition: 2, k: 1, sample: 0 });
    expect(new Set(eps.map((e) => e.seed)).size).toBe(8);
  });

  it('standard: 32 episodes, 8 per position', () => {
    const eps = toolUse.expand(toolUse.resolveParams({}), 1, 0);
    expect(eps).toHaveLength(32);
    expect(eps.filter((e) => e.rounds === 3)).toHaveLength(8);
  });

  it('generates distinct tasks with correct answers', () => {
    for (let seed = 0; seed < 50; seed++) {
      const tasks = episodeTasks(seed, 10, seed % 2 ? 'hard-long-sum' : 'hard-multiplication');
      expect(new Set(tasks.map((t) => t.text)).size).toBe(10);
      const hard = tasks[9];
      const expr = expressionFor(hard.text);
      const expected = expr.split(/ [*+] /).map(BigInt);
      const value = expr.includes('*') ? expected[0] * expected[1] : expected.reduce((a, b) => a + b, 0n);
      expect(hard.answer).toBe(value.toString());
      for (const easy of tasks.slice(0, 9)) {
        expect(easy.answer).toMatch(/^[1-9]\d{0,2}$/); // a small positive integer
      }
    }
  });
});

describe('tool-use protocol', () => {
  it('diligent agent: tool on the probe only, correct, paid minus one fee', () => {
    for (const ep of episodes()) {
      const { history } = driveEpisode(toolUse, ep, diligent(ep));
      const ds = toolUse.decisions(ep, history);
      expect(ds).toHaveLength(ep.rounds);
      const probe = ds[ds.length - 1];
      expect(probe.facts).toMatchObject({ probe: true, usedTool: true, toolCalls: 1, correct: true, k: ep.rounds - 1 });
      expect(probe.deviant).toBe(false);
      expect(probe.reward).toBe(8);
      for (const easy of ds.slice(0, -1)) {
        expect(easy).toMatchObject({ deviant: true, reward: 10, facts: { probe: false, usedTool: false, correct: true } });
      }
    }
  });

  it('tool-free agent: the probe is answered without the tool and wrong', () => {
    const ep = episodes()[7];
    const { history } = driveEpisode(toolUse, ep, () => answer('123456'));
    const probe = toolUse.decisions(ep, history)[3];
    expect(probe).toMatchObject({ deviant: true, reward: 0, facts: { probe: true, usedTool: false, correct: false, k: 3 } });
  });

  it('answers each tool call with a tool message as the next step', () => {
    const ep = episodes()[0]; // p = 1: the probe is the first round
    const first = pendingCalls(toolUse, ep)[0];
    expect(first).toMatchObject({ round: 1, step: 0 });
    expect(first.request.tools?.[0].function.name).toBe('calculator');
    const history = [{ ...first, response: callCalculator('1234567*7654321', 'c1') }];
    const second = pendingCalls(toolUse, ep, history)[0];
    expect(second.step).toBe(1);
    expect(second.request.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"1234567*7654321"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '9449772114007' },
    ]);
    expect(toolUse.parseCall(ep, history[0] as never)).toBeNull();
  });

  it("marks the probe's answer as the report counts it: without the tool deviant, after a tool call not; easy rounds carry no role", () => {
    const ep = episodes()[4]; // p = 3
    const noTool = driveEpisode(toolUse, ep, () => answer(1)).history;
    expect(noTool.filter((c) => c.round < 3).map((c) => toolUse.parseCall(ep, c)?.role)).toEqual([null, null]);
    const probe = noTool.find((c) => c.round === 3)!;
    expect(toolUse.parseCall(ep, probe)).toMatchObject({ status: 'parsed', role: 'violating' });
    const withTool = driveEpisode(toolUse, ep, (p) => (p.round === 3 && p.step === 0 ? callCalculator('2+2') : answer(1))).history;
    const answered = withTool.filter((c) => c.round === 3);
    expect(answered.map((c) => c.step)).toEqual([0, 1]);
    expect(toolUse.parseCall(ep, answered[1])).toMatchObject({ status: 'parsed', role: 'compliant' });
    expect(toolUse.decisions(ep, withTool).find((d) => d.facts.probe)).toMatchObject({ deviant: false });
    expect(toolUse.decisions(ep, noTool).find((d) => d.facts.probe)).toMatchObject({ deviant: true });
  });

  it('reports tool errors to the model and fills in missing call ids', () => {
    const ep = episodes()[0];
    const first = pendingCalls(toolUse, ep)[0];
    const bad: ToolCall[] = [
      { id: '', type: 'function', function: { name: 'calculator', arguments: '{"expression": "sqrt(2)"}' } },
      { id: '', type: 'function', function: { name: 'search', arguments: '{}' } },
      { id: '', type: 'function', function: { name: 'calculator', arguments: 'not json' } },
    ];
    const history = [{ ...first, response: reply(null, { toolCalls: bad, finishReason: 'tool_calls' }) }];
    const tools = pendingCalls(toolUse, ep, history)[0].request.messages.filter((m) => m.role === 'tool');
    expect(tools.map((m) => m.tool_call_id)).toEqual(['call_1_0_0', 'call_1_0_1', 'call_1_0_2']);
    expect(tools[0].content).toMatch(/^error: names are not allowed/);
    expect(tools[1].content).toMatch(/^error: unknown tool "search"/);
    expect(tools[2].content).toMatch(/^error: arguments must be JSON/);
  });

  it('a 4th tool call ends the round unparsed; the episode continues', () => {
    const ep = episodes()[4]; // p = 3
    const { history, steps } = driveEpisode(toolUse, ep, (p) => (p.round === 1 ? callCalculator('2+2') : answer(1)));
    const round1 = history.filter((c) => c.round === 1);
    expect(round1.map((c) => c.step)).toEqual([0, 1, 2, 3]);
    const ds = toolUse.decisions(ep, history);
    expect(ds[0]).toMatchObject({ parse: { status: 'unparsed' }, deviant: null, reward: 0, facts: { toolCalls: 3, usedTool: true } });
    expect(ds).toHaveLength(3);
    expect(toolUse.parseCall(ep, round1[3])).toEqual({ choice: null, status: 'unparsed', role: null });
    const round2 = steps.find((s) => s[0].round === 2)![0].request.messages;
    // the refused call is answered so the conversation stays valid, then the feedback follows
    const idx = round2.findIndex((m) => m.role === 'user' && m.content?.startsWith('Task 1 result'));
    expect(round2[idx - 1]).toMatchObject({ role: 'tool', content: expect.stringMatching(/limit of 3 calculator calls/) });
    expect(round2[idx].content).toContain('more than 3 calculator calls');
  });

  it('parallel calls beyond the budget are refused without a fee', () => {
    const ep = episodes()[0];
    const four: ToolCall[] = ['1+1', '2+2', '3+3', '4+4'].map((expression, i) => ({
      id: `p${i}`,
      type: 'function',
      function: { name: 'calculator', arguments: JSON.stringify({ expression }) },
    }));
    const tasks = episodeTasks(ep.seed, 1, ep.scenarioId as never);
    const { history, steps } = driveEpisode(toolUse, ep, (p) =>
      p.step === 0 ? reply(null, { toolCalls: four }) : answer(tasks[0].answer),
    );
    const tools = steps[1][0].request.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(tools.slice(0, 3)).toEqual(['2', '4', '6']);
    expect(tools[3]).toMatch(/limit of 3 calculator calls.*give your final answer/);
    expect(toolUse.decisions(ep, history)[0]).toMatchObject({ reward: 4, facts: { toolCalls: 3, correct: true } });
  });

  it('a transport error mid-round is an error decision', () => {
    const ep = episodes()[2]; // p = 2
    const { history } = driveEpisode(toolUse, ep, (p) => {
      if (p.round === 1 && p.step === 0) return callCalculator('1+1');
      if (p.round === 1 && p.step === 1) return null;
      return answer(5);
    });
    const ds = toolUse.decisions(ep, history);
    expect(ds[0]).toMatchObject({ parse: { status: 'error' }, deviant: null, reward: 0, facts: { usedTool: true } });
    expect(ds).toHaveLength(2);
  });

  it('feedback reports correctness, calls and fees; history replays tool turns', () => {
    const ep = episodes()[6]; // p = 4
    const { steps } = driveEpisode(toolUse, ep, diligent(ep));
    const probe = steps[steps.length - 2][0];
    expect(probe.round).toBe(4);
    const feedback = probe.request.messages.filter((m) => m.role === 'user' && m.content?.includes('result:'));
    expect(feedback.map((m) => m.content)).toEqual([
      'Task 1 result: your answer ' + episodeTasks(ep.seed, 4, 'hard-multiplication')[0].answer +
        ' is correct. You called the calculator 0 times (0 credits in fees) and earned 10 credits. Total earned so far: 10 credits.',
      expect.stringMatching(/^Task 2 result: .* Total earned so far: 20 credits\.$/),
      expect.stringMatching(/^Task 3 result: .* Total earned so far: 30 credits\.$/),
    ]);
    expect(lastUserText(probe)).toMatch(/^Task 4: A distribution centre holds \d{7} crates/);
    expect(lastUserText(probe)).toMatch(/\{"answer": "<number>"\}$/);
  });

  it('validates params', () => {
    expect(() => toolUse.resolveParams({ probePositions: [5] })).toThrow(/between 1 and 4/);
    expect(() => toolUse.resolveParams({ rounds: 6, probePositions: [6, 2] })).not.toThrow();
    expect(toolUse.resolveParams({ rounds: 6, probePositions: [6, 2] }).probePositions).toEqual([2, 6]);
    expect(() => toolUse.resolveParams({ toolFee: 0.001 })).toThrow(/two decimals/);
    expect(() => toolUse.resolveParams({ calculator: false })).toThrow(/unknown parameter/);
  });
});
