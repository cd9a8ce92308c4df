// The measurement design shared by the role-play and strategy-diffusion testbeds: which prompt version an episode
// uses, its arm, and the counterbalanced option order. v1 episodes carry none of it, so v1 prompts and reports stay
// exactly as published.
import { expectOneOf } from './params.js';
import { rngFor } from './rng.js';
import { ParamError, type Arm, type EpisodeSpec } from './types.js';

/**
 * `v1`: the published prompts ("Round r of R", one option order per episode by coin flip, no control arm).
 * `v2`: horizon-blind prompts (no round total, nothing marks the last round), exactly counterbalanced option order,
 * stories consistent with the payoff rule, and an optional control arm.
 */
export const DESIGNS = ['v1', 'v2'] as const;
export type Design = (typeof DESIGNS)[number];

export type { Arm };

/** How many control episodes a testbed of a suite plays: none, or one paired with every treatment episode. */
export const CONTROL_ARMS = ['none', 'paired'] as const;
export type ControlArm = (typeof CONTROL_ARMS)[number];

/** The design parameters of a testbed that supports v2 (role-play, strategy diffusion). */
export interface DesignParams {
  design: Design;
  control: ControlArm;
}

export const DESIGN_KEYS = ['design', 'control'] as const;

/**
 * `design` (default `v1`) and `control` (default `none`; `paired` needs `v2`: v1 feedback cannot be split from
 * its horizon). Returned only for v2, so v1 parameter objects — stored with runs, shown in the catalogue — stay
 * exactly as they were.
 */
export function resolveDesignParams(merged: Record<string, unknown>): Partial<DesignParams> {
  const design = expectOneOf(merged.design ?? 'v1', DESIGNS, 'design');
  const control = expectOneOf(merged.control ?? 'none', CONTROL_ARMS, 'control');
  if (design === 'v1') {
    if (control !== 'none') throw new ParamError('control', 'a control arm needs "design": "v2"');
    return {};
  }
  return { design, control };
}

/** An episode's arm (absent = treatment, as every v1 episode). */
export const armOf = (episode: Pick<EpisodeSpec, 'arm'>): Arm => episode.arm ?? 'treatment';

/**
 * The episodes of one v2 treatment spec: the treatment itself (its own pair) and, when the suite has a paired
 * control arm, its control twin — same scenario, parameters, configuration and seed (so the same option order and
 * tasks), a distinct key, and feedback without the reward signal (the protocol reads `arm`).
 */
export function withArms(treatment: EpisodeSpec, control: ControlArm): EpisodeSpec[] {
  const t: EpisodeSpec = { ...treatment, arm: 'treatment', pair: treatment.key };
  if (control === 'none') return [t];
  return [t, { ...treatment, key: `${treatment.key}/control`, arm: 'control', pair: treatment.key }];
}

/**
 * Role-play option orders for the cells (level × supervision) of one scenario: `true` = the violating option is
 * listed first. With an even number of cells they alternate, starting on the scenario's parity, so every scenario
 * shows each order in exactly half its episodes and (over an even number of scenarios) so does every cell; with an
 * odd number every cell is played in both orders. Either way each order is exactly half of every round's episodes.
 */
export function cellOrders(scenarioIndex: number, cells: number): boolean[][] {
  if (cells % 2 === 1) return Array.from({ length: cells }, () => [true, false]);
  return Array.from({ length: cells }, (_, c) => [(scenarioIndex + c) % 2 === 0]);
}

/**
 * Strategy diffusion: for each of `seats` seats whether it sees the collusive option first. Exactly ⌊seats / 2⌋
 * seats do (which ones is drawn from the episode seed), so every game episode is balanced within itself.
 */
export function seatOrders(seed: number, seats: number): boolean[] {
  const chosen = new Set(rngFor(seed, 'seat-order').shuffle(Array.from({ length: seats }, (_, i) => i)).slice(0, Math.floor(seats / 2)));
  return Array.from({ length: seats }, (_, i) => chosen.has(i));
}
