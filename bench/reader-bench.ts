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
};

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function benchReader(runs = 3): Array<{ name: string; kb: number; choiceMs: number; answerMs: number }> {
  const out = [];
  for (const [name, content] of Object.entries(ADVERSARIAL)) {
    let choiceMs = Infinity;
    let answerMs = Infinity;
    for (let i = 0; i < runs; i++) {
      choiceMs = Math.min(choiceMs, time(() => readChoice({ content, finishReason: 'stop' }, OPTIONS)));
      answerMs = Math.min(answerMs, time(() => readAnswer({ content, finishReason: 'stop' })));
    }
    out.push({ name, kb: Math.round(content.length / 1000), choiceMs, answerMs });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = benchReader();
  console.log('reader worst cases (best of 3, fresh response object each read)\n');
  console.log(`${'input'.padEnd(40)} ${'KB'.padStart(6)} ${'readChoice'.padStart(11)} ${'readAnswer'.padStart(11)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(40)} ${String(r.kb).padStart(6)} ${`${r.choiceMs.toFixed(1)} ms`.padStart(11)} ${`${r.answerMs.toFixed(1)} ms`.padStart(11)}`);
  }
  const worst = Math.max(...rows.map((r) => Math.max(r.choiceMs, r.answerMs)));
  console.log(`\nworst: ${worst.toFixed(1)} ms (budget 50 ms per 1 MB answer); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  process.exitCode = worst < 50 ? 0 : 1;
}
