import type { CatalogueOption } from '../../../src/testbeds/types.js';

/**
 * One answer of the blind corpora (passes 5–7) with the real option catalogue it answers and two readings: `human`,
 * what a careful person reads (null: nothing), and `choice`, what the reader returns. A reading may never differ from
 * `human`; an unread answer only shrinks n.
 */
export interface LabelledAnswer {
  id: string;
  /** the model family whose style the answer imitates, where the pass recorded it */
  family?: string;
  /** absent: a numeric answer (readAnswer) */
  options?: CatalogueOption[];
  content: string;
  finishReason?: string;
  human: string | null;
  choice: string | null;
  /** written as models typically answer, not to break the reader */
  typical?: boolean;
}
