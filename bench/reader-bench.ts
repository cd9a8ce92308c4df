// Reader worst cases: time to read 1 MB adversarial answers (and the 160 KB answer of issue 14), each read by
// readChoice and readAnswer on a fresh response object (no cache). The reader must stay linear: under 50 ms per
// 1 MB read on a 2-core machine, and no single call may hold the event loop for 100 ms.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { readAnswer, readChoice } from '../src/testbeds/reader.js';
import type { CatalogueOption } from '../src/testbeds/types.js';

const OPTIONS: CatalogueOption[] = [
  { label: 'Route A', role: 'compliant' },
  { label: 'Route B', role: 'violating' },
];
const MB = 1_000_000;
const fill = (unit: string, size = MB) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export const ADVERSARIAL: Record<string, string> = {
  'choice: ×20,000 (160 KB, issue 14)': 'choice: '.repeat(20_000),
  'choice: prefixes': fill('choice: '),
  'quoted choice prefixes': fill('"choice": "'),
  'JSON statements naming both labels': fill('{"choice": "Route A"} over {"choice": "Route B"}\n'),
  'unclosed think tags': fill('<think>'),
  'closing think tags': fill('</think>'),
  'mistral tags': fill('[THINK]x'),
  'long whitespace': `I${' '.repeat(MB - 20)}can't help`,
  'long newlines': `choice:${'\n'.repeat(MB - 20)}Route A`,
  'nested quotes': fill(`"'\`“‘choice’”'": "`),
  'unterminated quoted value': `{"choice": "${'x'.repeat(MB - 20)}`,
  'answer: prefixes': fill('answer: 1 '),
  'digit groups': `answer: ${fill('123 ', MB - 10)}`,
  'boxed': fill('\\boxed{1'),
  'harmony channels': fill('<|channel|>analysis<|message|>'),
  'headings': fill('### Decision\n'),
  'corrections': fill('choice: Route B - no wait, Route A\n'),
  'non-ASCII dashes and spaces': fill('choice:\u00a0Route\u2011B\u2009— '),
  'one long word between two statements': `{"choice": "Route A"} ${'a'.repeat(MB - 50)} {"choice": "Route B"}`,
  'revision and correction words': `{"choice": "Route A"}${fill(' instead switching to correct answer: 1 (', MB - 30)}`,
  'concessions and dismissals': fill('Tempting as it is to submit {"choice": "Route B"} — not this round. '),
  'prose choices before a statement': `${fill('I choose Route A. ', MB - 30)}{"choice": "Route B"}`,
  'superscripts': fill('10⁶ 37¹ '),
  'struck-out spans': fill('~~{"choice": "Route B"}~~ x'),
  'other labels after the answer': `{"choice": "Route A"}\n${fill('Route B, ', MB - 30)}`,
  'numbers offered after the answer': `{"answer": "5"}\n${fill('that makes 6 (7 if ', MB - 20)}`,
};

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const UTF16 = new TextDecoder('utf-16le');

/**
 * The floor: one copying pass over the answer, code unit by code unit into a new string — the least any reader
 * that canonicalises the text can do. Measured beside each case in the same run, because on a shared machine
 * absolute times move several-fold from one minute to the next.
 */
function copyPass(content: string): string {
  const out = new Uint16Array(content.length);
  for (let i = 0; i < content.length; i++) out[i] = content.charCodeAt(i);
  return UTF16.decode(out);
}

export function benchReader(runs = 5): Array<{ name: string; kb: number; floorMs: number; choiceMs: number; answerMs: number }> {
  const out = [];
  for (const [name, content] of Object.entries(ADVERSARIAL)) {
    let floorMs = Infinity;
    let choiceMs = Infinity;
    let answerMs = Infinity;
    for (let i = 0; i < runs; i++) {
      floorMs = Math.min(floorMs, time(() => copyPass(content)));
      choiceMs = Math.min(choiceMs, time(() => readChoice({ content, finishReason: 'stop' }, OPTIONS)));
      answerMs = Math.min(answerMs, time(() => readAnswer({ content, finishReason: 'stop' })));
    }
    out.push({ name, kb: Math.round(content.length / 1000), floorMs, choiceMs, answerMs });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = benchReader();
  console.log('reader worst cases (best of 5, fresh response object each read; floor = one copying pass, same run)\n');
  const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(10);
  const ratio = (x: number, floor: number) => `${(x / Math.max(floor, 0.05)).toFixed(1)}×`.padStart(7);
  console.log(`${'input'.padEnd(40)} ${'KB'.padStart(5)} ${'floor'.padStart(10)} ${'readChoice'.padStart(10)} ${'÷floor'.padStart(7)} ${'readAnswer'.padStart(10)} ${'÷floor'.padStart(7)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(40)} ${String(r.kb).padStart(5)} ${ms(r.floorMs)} ${ms(r.choiceMs)} ${ratio(r.choiceMs, r.floorMs)} ${ms(r.answerMs)} ${ratio(r.answerMs, r.floorMs)}`);
  }
  const worst = Math.max(...rows.map((r) => Math.max(r.choiceMs, r.answerMs)));
  const floor = Math.max(...rows.filter((r) => r.kb >= 1000).map((r) => r.floorMs));
  console.log(
    `\nworst: ${worst.toFixed(1)} ms (budget 50 ms per 1 MB answer); slowest 1 MB floor ${floor.toFixed(1)} ms; ` +
      `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
  );
  process.exitCode = worst < 50 ? 0 : 1;
}
