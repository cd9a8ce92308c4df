// The contract between testbeds (pure protocols), the runner (binds them to endpoints and the database)
// and the scorers (project persisted calls into metrics). Nothing here knows about HTTP or SQL.

/**
 * The built-in testbeds, in report order. Every schema that names built-in testbeds uses `z.enum(TESTBED_IDS)`.
 * A deployment (or a test) may register further testbeds (see registry.ts): code that handles any registered
 * testbed takes its id as a plain string and looks it up in the registry, so an unknown id is an error there.
 */
export const TESTBED_IDS = ['role-play', 'tool-use', 'strategy-diffusion'] as const;
export type TestbedId = (typeof TESTBED_IDS)[number];

export type OptionRole = 'compliant' | 'violating' | 'independent' | 'collusive';

/** OpenAI chat message as sent to the endpoint. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  /** assistant messages that called tools */
  tool_calls?: ToolCall[];
  /** tool messages answer one call */
  tool_call_id?: string;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** What one model call asks (besides the endpoint's own sampling params). */
export interface ModelRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
}

/** What one model call answered, normalised across OpenAI-compatible servers. */
export interface ModelResponse {
  content: string | null;
  /** `reasoning_content` / `reasoning` field when the server returns one */
  reasoning: string | null;
  toolCalls: ToolCall[];
  finishReason: string | null;
  /** OpenAI's `message.refusal`: the model declined, in its own words, instead of answering (absent: none) */
  refusal?: string;
}

/** `ambiguous`: statements named different options and no explicit rule settled which one is the answer. */
export type DecisionStatus = 'parsed' | 'unparsed' | 'ambiguous' | 'refused' | 'truncated' | 'error';

/** How a final answer was read (spec §3). For tool-use, `choice` holds the normalised numeric answer. */
export interface Parse {
  choice: string | null;
  status: DecisionStatus;
  role: OptionRole | null;
  /** the reading rule that decided (docs/methodology.md, "How answers are read"); absent on answers read before v2 */
  rule?: string;
  /** UTF-8 bytes cut from the answer (text and reasoning) before it was stored and read; absent when none */
  truncatedBytes?: number;
}

/** The arms of the v2 design: reward feedback shown (treatment) or not (the paired control episode). */
export const ARMS = ['treatment', 'control'] as const;
export type Arm = (typeof ARMS)[number];

/**
 * One episode: a scenario with fixed parameters, played for up to `rounds` rounds.
 * `key` is stable for a (suite, seed) and unique within one subject of a run.
 */
export interface EpisodeSpec {
  key: string;
  /** a registered testbed id (the built-ins are TESTBED_IDS) */
  testbed: string;
  scenarioId: string;
  /** level / threshold / probePosition / supervision / sample ... — shown in transcripts and reports */
  params: Record<string, number | string>;
  /** all randomness of the episode derives from this */
  seed: number;
  rounds: number;
  /** model-driven agents (1 for single-agent testbeds) */
  agents: number;
  /** the testbed's resolved configuration (history window, multipliers, …) */
  config: Record<string, unknown>;
  /** the prompt-aligned baseline prepends a fixed rule-following preamble to the system message */
  promptAligned?: boolean;
  /** absent = treatment, so v1 episodes (and their reports) are unchanged (see armOf) */
  arm?: Arm;
  /** the key of the paired treatment episode; a treatment episode's `pair` is its own key */
  pair?: string;
}

/**
 * A persisted model call. `response` is null when the transport failed after the retry budget (`error` set):
 * the protocol treats that as an `error` decision.
 */
export interface CallRecord {
  round: number;
  agent: number;
  /** 0 for the first call of an agent's round; tool-use rounds continue with 1, 2, 3 after tool results */
  step: number;
  request: ModelRequest;
  response: ModelResponse | null;
  error?: string | null;
}

/** A call the protocol wants made next. */
export interface PendingCall {
  round: number;
  agent: number;
  step: number;
  request: ModelRequest;
}

/** Either the calls of the next step (all may run concurrently), or the episode is over. */
export type Step = { done: false; calls: PendingCall[] } | { done: true };

/** The shape every testbed's facts share: flat JSON values, so decisions serialise and compare as they are. */
export type FactBag = Record<string, number | string | boolean | null>;

/**
 * One agent's decision in one round, derived from the persisted calls. `F` is the testbed's own typed facts
 * (e.g. RolePlayFacts); code that handles any testbed sees the untyped bag.
 */
export interface Decision<F extends object = FactBag> {
  round: number;
  agent: number;
  parse: Parse;
  /** the deviant option in this testbed's sense (violating / no tool on the probe / collusive) */
  deviant: boolean | null;
  reward: number;
  /** testbed-specific facts the testbed's scorer needs (e.g. usedTool, correct, probe, groupSuccess, capital) */
  facts: F;
}

export interface CatalogueOption {
  label: string;
  role: OptionRole;
}

export interface CatalogueScenario {
  id: string;
  name: string;
  options: CatalogueOption[];
}

export interface Catalogue {
  id: string;
  version: string;
  scenarios: CatalogueScenario[];
}

/** Suite/override parameters for one testbed, after validation. */
export type TestbedParams = Record<string, unknown>;

/** The protocol half of a testbed (the scoring half is in module.ts): pure functions of specs and calls. */
export interface Testbed<F extends object = FactBag> {
  id: string;
  version: string;
  title: string;
  description: string;
  catalogue(): Catalogue;
  /** validates (and fills defaults into) suite parameters merged with overrides; throws ParamError */
  resolveParams(params: TestbedParams): TestbedParams;
  /** the episodes of one sample; seeds derive from (runSeed, key) */
  expand(params: TestbedParams, runSeed: number, sample: number): EpisodeSpec[];
  /**
   * pure: given the persisted calls so far, what to ask next. Prompts are rebuilt from the responses only: a
   * history read back from the database carries no requests (they are stored for transcripts, not re-read).
   */
  next(episode: EpisodeSpec, history: CallRecord[]): Step;
  /** pure: parse the final call of each (round, agent) and compute rewards */
  decisions(episode: EpisodeSpec, history: CallRecord[]): Decision<F>[];
  /** parse of a single call, for transcripts (null for intermediate tool-calling steps) */
  parseCall(episode: EpisodeSpec, call: CallRecord): Parse | null;
  /** upper bound of model calls for one episode (for progress totals) */
  maxCalls(episode: EpisodeSpec): number;
}

export class ParamError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
