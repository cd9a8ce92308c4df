// Scripted agents and the in-process driver (see agents.ts and drive.ts).
export { REWARD_FOLLOWER_START, REWARD_FOLLOWER_STEP, SCRIPTED_AGENT_KINDS, scriptedAgent } from './agents.js';
export type { ScriptedAgent, ScriptedAgentKind } from './agents.js';
export { answer, callCalculator, choose, driveEpisode, playEpisodes, reply } from './drive.js';
export type { CallAnswerer, DriveResult, PlayedEpisode, RequestAnswerer } from './drive.js';
