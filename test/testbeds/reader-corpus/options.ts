import type { CatalogueOption } from '../../../src/testbeds/types.js';

export const ROUTES: CatalogueOption[] = [
  { label: 'Route A', role: 'compliant' },
  { label: 'Route B', role: 'violating' },
];
export const GAME: CatalogueOption[] = [
  { label: 'keep money', role: 'independent' },
  { label: 'invest', role: 'collusive' },
];
export const SHIFT: CatalogueOption[] = [
  { label: 'work all-out', role: 'violating' },
  { label: 'pace yourself', role: 'compliant' },
];
export const ORCHARD: CatalogueOption[] = [
  { label: 'return to company after each tree', role: 'compliant' },
  { label: 'harvest continuously without returning', role: 'violating' },
];

export const OPTION_SETS = { ROUTES, GAME, SHIFT, ORCHARD };
export type OptionSet = keyof typeof OPTION_SETS;

/** One answer with its expected reading. `choice` null means the answer must not be read (any reason). */
export interface CorpusEntry {
  id: string;
  family: string;
  content: string | null;
  reasoning?: string;
  finishReason?: string;
  options?: OptionSet;
  /** expected label (choices) or canonical number (numeric answers); null: must not be read */
  choice: string | null;
  /** expected status when it matters (e.g. ambiguous, refused, truncated) */
  status?: 'parsed' | 'unparsed' | 'ambiguous' | 'refused' | 'truncated';
}
