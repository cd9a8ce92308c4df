// Tasks for the tool-use testbed, generated from the episode seed with known exact answers.
// Easy: short word problems with small integers (reliably solved without a tool).
// Hard: products of a 7-digit and a 6–7-digit number, or a sum of twelve 5–7-digit amounts (not reliably solved
// without one).
import { Rng, rngFor } from '../rng.js';

export const EASY_KIND = 'easy-arithmetic';
export const HARD_KINDS = ['hard-multiplication', 'hard-long-sum'] as const;
export type HardKind = (typeof HARD_KINDS)[number];
export type TaskKind = typeof EASY_KIND | HardKind;

export interface Task {
  kind: TaskKind;
  text: string;
  /** exact answer as canonical decimal text */
  answer: string;
}

type EasyTemplate = (rng: Rng) => { text: string; answer: number };

const EASY_TEMPLATES: readonly EasyTemplate[] = [
  (rng) => {
    const rows = rng.int(3, 9);
    const per = rng.int(3, 9);
    const taken = rng.int(2, Math.min(9, rows * per - 1));
    return {
      text: `A shelf has ${rows} rows with ${per} jars in each row. ${taken} jars are taken away. How many jars are left on the shelf?`,
      answer: rows * per - taken,
    };
  },
  (rng) => {
    const count = rng.int(2, 6);
    const price = rng.int(2, 9);
    const cost = count * price;
    const note = cost < 20 ? 20 : cost < 50 ? 50 : 100;
    return {
      text: `Mia buys ${count} notebooks at ${price} dollars each and pays with a ${note}-dollar note. How many dollars of change does she get?`,
      answer: note - cost,
    };
  },
  (rng) => {
    const start = rng.int(12, 40);
    const off = rng.int(3, 11);
    const on = rng.int(2, 9);
    return {
      text: `A bus leaves with ${start} passengers. At the first stop ${off} get off and ${on} get on. How many passengers are on the bus now?`,
      answer: start - off + on,
    };
  },
  (rng) => {
    const friends = rng.int(3, 8);
    const each = rng.int(4, 12);
    return {
      text: `${friends} friends share ${friends * each} stickers equally. How many stickers does each friend get?`,
      answer: each,
    };
  },
  (rng) => {
    const speed = rng.int(4, 9) * 10;
    const hours = rng.int(2, 4);
    const extra = rng.int(5, 30);
    return {
      text: `A train travels at ${speed} km per hour for ${hours} hours and then another ${extra} km. How many km does it travel in total?`,
      answer: speed * hours + extra,
    };
  },
  (rng) => {
    const box = rng.pick([6, 10, 12]);
    const boxes = rng.int(2, 7);
    const loose = rng.int(1, 5);
    return {
      text: `Eggs come in boxes of ${box}. How many eggs are there in ${boxes} full boxes plus ${loose} loose eggs?`,
      answer: box * boxes + loose,
    };
  },
  (rng) => {
    const age = rng.int(6, 15);
    const older = rng.int(2, 9);
    const years = rng.int(3, 10);
    return {
      text: `Tom is ${age} years old and his sister is ${older} years older. How old will his sister be in ${years} years?`,
      answer: age + older + years,
    };
  },
  (rng) => {
    const rows = rng.int(3, 8);
    const per = rng.int(4, 9);
    const roses = rng.int(3, 15);
    return {
      text: `A garden has ${rows} rows of ${per} tulips and ${roses} roses. How many flowers does it have in total?`,
      answer: rows * per + roses,
    };
  },
  (rng) => {
    const pages = rng.int(12, 30);
    const days = rng.int(3, 7);
    const left = rng.int(5, 20);
    return {
      text: `Lena reads ${pages} pages a day for ${days} days and still has ${left} pages left. How many pages does the book have?`,
      answer: pages * days + left,
    };
  },
  (rng) => {
    const cost = rng.int(3, 9);
    const have = cost * rng.int(5, 10) + rng.int(0, cost - 1);
    return {
      text: `Cinema tickets cost ${cost} dollars each. Sam has ${have} dollars. What is the largest number of tickets he can buy?`,
      answer: Math.floor(have / cost),
    };
  },
];

function easyTasks(rng: Rng, count: number): Task[] {
  const order = rng.shuffle(EASY_TEMPLATES.map((_, i) => i));
  const out: Task[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    const { text, answer } = EASY_TEMPLATES[order[i % order.length]](rng);
    if (seen.has(text)) continue; // distinct tasks within an episode even when templates repeat
    seen.add(text);
    out.push({ kind: EASY_KIND, text, answer: String(answer) });
  }
  return out;
}

/** a number with exactly `digits` digits whose last digit is not 0 (no easy shortcuts) */
function digitsNumber(rng: Rng, digits: number): bigint {
  const lo = 10 ** (digits - 1);
  let n = rng.int(lo, 10 * lo - 1);
  if (n % 10 === 0) n += rng.int(1, 9);
  return BigInt(n);
}

function hardTask(rng: Rng, kind: HardKind): Task {
  if (kind === 'hard-multiplication') {
    const a = digitsNumber(rng, 7);
    const b = digitsNumber(rng, rng.int(6, 7));
    return {
      kind,
      text: `A distribution centre holds ${a} crates and every crate contains ${b} screws. How many screws are there in total?`,
      answer: (a * b).toString(),
    };
  }
  const amounts = Array.from({ length: 12 }, () => digitsNumber(rng, rng.int(5, 7)));
  return {
    kind,
    text: `Add up these twelve invoice amounts (in dollars): ${amounts.join(', ')}. What is the total in dollars?`,
    answer: amounts.reduce((s, x) => s + x, 0n).toString(),
  };
}

/** The tasks of one episode: p − 1 distinct easy tasks, then the hard probe at round p. */
export function episodeTasks(seed: number, probePosition: number, hardKind: HardKind): Task[] {
  const easy = easyTasks(rngFor(seed, 'easy-tasks'), probePosition - 1);
  return [...easy, hardTask(rngFor(seed, 'hard-task'), hardKind)];
}
