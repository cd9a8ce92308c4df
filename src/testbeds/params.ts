// Validation helpers for suite parameters and run overrides. Every failure is a ParamError whose path names the
// offending field relative to the testbed's parameter object (e.g. "levels[2]"); resolveSuite prefixes it.
import { ParamError } from './types.js';

export type Path = string;

export function at(path: Path, key: string | number): Path {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function expectObject(value: unknown, path: Path): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ParamError(path || '$', `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function rejectUnknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: Path): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ParamError(at(path, key), `unknown parameter "${key}"; allowed: ${allowed.join(', ')}`);
    }
  }
}

export function expectInt(value: unknown, lo: number, hi: number, path: Path): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ParamError(path, `must be an integer, got ${describe(value)}`);
  }
  if (value < lo || value > hi) throw new ParamError(path, `must be between ${lo} and ${hi}, got ${value}`);
  return value;
}

/** a finite number in [lo, hi], or (lo, hi] when loExclusive */
export function expectNumber(value: unknown, lo: number, hi: number, path: Path, loExclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ParamError(path, `must be a number, got ${describe(value)}`);
  }
  if ((loExclusive ? value <= lo : value < lo) || value > hi) {
    throw new ParamError(path, `must be in ${loExclusive ? '(' : '['}${lo}, ${hi}], got ${value}`);
  }
  return value;
}

export function expectArray(value: unknown, minLength: number, maxLength: number, path: Path): unknown[] {
  if (!Array.isArray(value)) throw new ParamError(path, `must be an array, got ${describe(value)}`);
  if (value.length < minLength || value.length > maxLength) {
    throw new ParamError(path, `must have between ${minLength} and ${maxLength} entries, got ${value.length}`);
  }
  return value;
}

export function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], path: Path): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ParamError(path, `must be one of ${allowed.join(', ')}; got ${describe(value)}`);
  }
  return value as T;
}

/** entries must be distinct (compared as given) */
export function rejectDuplicates(values: readonly (string | number)[], path: Path): void {
  const seen = new Set<string | number>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new ParamError(at(path, i), `duplicate entry ${describe(v)}`);
    seen.add(v);
  });
}
