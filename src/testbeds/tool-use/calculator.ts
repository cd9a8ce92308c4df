// The calculator tool the tool-use testbed offers: an exact evaluator over BigInt rationals, with a hand-written
// tokenizer and recursive-descent parser (no eval, no names). Results are exact; a quotient that has no finite
// decimal form is rounded half away from zero to 30 significant digits.
import type { ToolDefinition } from '../types.js';

export const CALCULATOR_TOOL: ToolDefinition = {
  type: 'function',
  function: {
    name: 'calculator',
    description:
      'Evaluates an arithmetic expression exactly. Supports integers and decimals, + - * / % ^ and parentheses. ' +
      'No variables, functions or thousands separators.',
    parameters: {
      type: 'object',
      properties: { expression: { type: 'string', description: 'for example "(1234 + 5.5) * 3"' } },
      required: ['expression'],
      additionalProperties: false,
    },
  },
};

/** A rational number n/d with d > 0 and gcd(n, d) = 1. */
export interface Rational {
  n: bigint;
  d: bigint;
}

export class CalcError extends Error {}

const MAX_INPUT_CHARS = 500;
const MAX_DEPTH = 64;
/** integer exponents only, and bounded so 2^1e9 cannot hang the worker */
const MAX_EXPONENT = 10_000;
/** numerators and denominators beyond ~1000 decimal digits are refused */
const MAX_BITS = 3400;
const SIGNIFICANT_DIGITS = 30;

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : abs(x).toString(2).length;
}

export function rational(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new CalcError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  const r = g > 1n ? { n: n / g, d: d / g } : { n, d };
  if (bitLength(r.n) > MAX_BITS || bitLength(r.d) > MAX_BITS) throw new CalcError('result too large');
  return r;
}

const add = (a: Rational, b: Rational) => rational(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Rational, b: Rational) => rational(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Rational, b: Rational) => rational(a.n * b.n, a.d * b.d);
function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new CalcError('division by zero');
  return rational(a.n * b.d, a.d * b.n);
}
/** remainder with the sign of the dividend, like JavaScript's % */
function mod(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new CalcError('modulo by zero');
  const q = (a.n * b.d) / (a.d * b.n); // BigInt division truncates toward zero
  return sub(a, mul(b, rational(q)));
}
function pow(base: Rational, exp: Rational): Rational {
  if (exp.d !== 1n) throw new CalcError('exponents must be whole numbers');
  if (abs(exp.n) > BigInt(MAX_EXPONENT)) throw new CalcError(`exponent too large (limit ${MAX_EXPONENT})`);
  const e = Number(exp.n);
  const size = Math.max(bitLength(base.n), bitLength(base.d));
  if (size > 1 && (size - 1) * Math.abs(e) > MAX_BITS) throw new CalcError('result too large');
  if (e < 0) {
    if (base.n === 0n) throw new CalcError('division by zero');
    return rational(base.d ** BigInt(-e), base.n ** BigInt(-e));
  }
  return rational(base.n ** BigInt(e), base.d ** BigInt(e));
}

type Token = { kind: 'num'; text: string; pos: number } | { kind: 'op'; text: string; pos: number };

const OP_ALIASES: Record<string, string> = { '×': '*', '·': '*', '÷': '/', '−': '-', '–': '-' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(\d+(\.\d*)?|\.\d+)/.exec(input.slice(i));
      if (!m) throw new CalcError(`unexpected "." at position ${i + 1}`);
      tokens.push({ kind: 'num', text: m[0], pos: i });
      i += m[0].length;
    } else if (input.startsWith('**', i)) {
      tokens.push({ kind: 'op', text: '^', pos: i });
      i += 2;
    } else if ('+-*/%^()'.includes(c) || c in OP_ALIASES) {
      tokens.push({ kind: 'op', text: OP_ALIASES[c] ?? c, pos: i });
      i++;
    } else if (c === ',') {
      throw new CalcError('commas are not allowed: write numbers without thousands separators, e.g. 1234567');
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_]\w*/.exec(input.slice(i))![0];
      throw new CalcError(`names are not allowed (found "${name}"): use numbers and + - * / % ^ ( ) only`);
    } else {
      throw new CalcError(`unexpected character "${c}" at position ${i + 1}`);
    }
  }
  return tokens;
}

function parseNumberToken(text: string): Rational {
  const [whole, frac = ''] = text.split('.');
  return rational(BigInt((whole || '0') + frac), 10n ** BigInt(frac.length));
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Rational {
    if (this.tokens.length === 0) throw new CalcError('empty expression');
    const value = this.expr();
    const extra = this.tokens[this.i];
    if (extra) throw new CalcError(`unexpected "${extra.text}" at position ${extra.pos + 1}`);
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'op' && ops.includes(t.text);
  }

  private expr(): Rational {
    let left = this.term();
    while (this.isOp('+', '-')) {
      const op = this.tokens[this.i++].text;
      const right = this.term();
      left = op === '+' ? add(left, right) : sub(left, right);
    }
    return left;
  }

  private term(): Rational {
    let left = this.unary();
    while (this.isOp('*', '/', '%')) {
      const op = this.tokens[this.i++].text;
      const right = this.unary();
      left = op === '*' ? mul(left, right) : op === '/' ? div(left, right) : mod(left, right);
    }
    return left;
  }

  /** unary minus binds looser than ^, so -2^2 = -4 as in ordinary notation */
  private unary(): Rational {
    if (this.isOp('-', '+')) {
      const op = this.tokens[this.i++].text;
      const value = this.nested(() => this.unary());
      return op === '-' ? rational(-value.n, value.d) : value;
    }
    return this.power();
  }

  /** right-associative: 2^3^2 = 2^9 */
  private power(): Rational {
    const base = this.primary();
    if (this.isOp('^')) {
      this.i++;
      return pow(base, this.nested(() => this.unary()));
    }
    return base;
  }

  private primary(): Rational {
    const t = this.peek();
    if (!t) throw new CalcError('expression ends too early');
    if (t.kind === 'num') {
      this.i++;
      return parseNumberToken(t.text);
    }
    if (t.text === '(') {
      this.i++;
      const value = this.nested(() => this.expr());
      if (!this.isOp(')')) throw new CalcError('missing ")"');
      this.i++;
      return value;
    }
    throw new CalcError(`unexpected "${t.text}" at position ${t.pos + 1}`);
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new CalcError('expression nested too deeply');
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }
}

/** Evaluates exactly; throws CalcError for anything that is not plain arithmetic. */
export function evaluate(expression: string): Rational {
  if (typeof expression !== 'string') throw new CalcError('expression must be a string');
  if (expression.length > MAX_INPUT_CHARS) throw new CalcError(`expression longer than ${MAX_INPUT_CHARS} characters`);
  return new Parser(tokenize(expression)).parse();
}

/** n/d · 10^scale rounded half away from zero */
function scaled(q: Rational, scale: number): bigint {
  const num = abs(q.n) * 10n ** BigInt(scale);
  let out = num / q.d;
  if ((num % q.d) * 2n >= q.d) out += 1n;
  return q.n < 0n ? -out : out;
}

function withPoint(value: bigint, scale: number): string {
  const sign = value < 0n ? '-' : '';
  let digits = abs(value).toString();
  if (scale === 0) return sign + digits;
  digits = digits.padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = frac ? `${whole}.${frac}` : whole;
  return text === '0' ? '0' : sign + text;
}

/**
 * Plain decimal text (no exponent, no separators): exact when the value has a finite decimal expansion,
 * otherwise rounded to 30 significant digits.
 */
export function formatRational(q: Rational, significant = SIGNIFICANT_DIGITS): string {
  if (q.d === 1n) return q.n.toString();
  let rest = q.d;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos++;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives++;
  }
  if (rest === 1n) return withPoint(scaled(q, Math.max(twos, fives)), Math.max(twos, fives));
  // position of the leading digit: |q| in [10^e, 10^(e+1))
  const whole = abs(q.n) / q.d;
  let e: number;
  if (whole > 0n) {
    e = whole.toString().length - 1;
  } else {
    e = -1;
    while (abs(q.n) * 10n ** BigInt(-e) < q.d) e--;
  }
  const scale = Math.max(0, significant - 1 - e);
  return withPoint(scaled(q, scale), scale);
}

/** Parses plain decimal text ("-12.50", "3e4", ".5") exactly; null when it is not one. */
export function parseDecimal(text: string): Rational | null {
  const m = /^([-+])?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d{1,4}))?$/.exec(text);
  if (!m) return null;
  const [, sign, whole = '', frac = '', exp] = m;
  if (whole === '' && frac === '') return null;
  const e = exp ? Number(exp) : 0;
  if (Math.abs(e) > 1000) return null;
  const digits = BigInt((whole || '0') + frac);
  const shift = e - frac.length;
  const n = (sign === '-' ? -digits : digits) * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const d = shift < 0 ? 10n ** BigInt(-shift) : 1n;
  try {
    return rational(n, d);
  } catch {
    return null;
  }
}

export function sameValue(a: Rational, b: Rational): boolean {
  return a.n === b.n && a.d === b.d;
}

export type CalcResult = { ok: true; value: string } | { ok: false; error: string };

/** What the tool answers: the exact value as text, or an explanation of why the expression was refused. */
export function calculate(expression: string): CalcResult {
  try {
    return { ok: true, value: formatRational(evaluate(expression)) };
  } catch (err) {
    if (err instanceof CalcError) return { ok: false, error: err.message };
    throw err;
  }
}
