// One recipe per provider family: the endpoint fields docs/providers.md tells users to register, next to the
// imitation that behaves like the provider. Tests register exactly these fields, so the documented recipes are
// the tested ones.
import type { Imitation } from './imitation.js';
import { AZURE_API_VERSION, startAzure, startOpenAIReasoning } from './openai.js';
import { startAnthropic, startDashScope, startGemini, startMistral } from './hosted.js';
import { startLlamaCpp, startOllama, startVllm } from './self-hosted.js';
import { GATEWAY_MODEL, startRateLimited, startSseOnly } from './gateways.js';

export const PROVIDER_KEY = 'sk-provider-0123456789abcdef';

export interface EndpointFields {
  baseUrl: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
}

export interface Recipe {
  family: string;
  start(): Promise<{ imitation: Imitation; endpoint: EndpointFields }>;
  /** whether the calculator tool comes back as structured tool calls */
  tools: boolean;
  /** whether answers carry reasoning text */
  reasoning: boolean;
}

const withImitation = (imitation: Imitation, endpoint: (origin: string) => EndpointFields) => ({ imitation, endpoint: endpoint(imitation.origin) });

export const RECIPES: Recipe[] = [
  {
    family: 'openai-reasoning',
    tools: true,
    reasoning: false,
    start: async () =>
      withImitation(await startOpenAIReasoning({ apiKey: PROVIDER_KEY }), (o) => ({
        baseUrl: `${o}/v1`,
        model: 'o4-mini',
        apiKey: PROVIDER_KEY,
        params: { max_completion_tokens: 4096 },
      })),
  },
  {
    family: 'azure-openai',
    tools: true,
    reasoning: false,
    start: async () =>
      withImitation(await startAzure({ apiKey: PROVIDER_KEY, deployment: 'gpt-4o' }), (o) => ({
        baseUrl: `${o}/openai/deployments/gpt-4o?api-version=${AZURE_API_VERSION}`,
        model: 'gpt-4o',
        headers: { 'api-key': PROVIDER_KEY },
        params: { max_tokens: 1024 },
      })),
  },
  {
    family: 'vllm',
    tools: true,
    reasoning: true,
    start: async () =>
      withImitation(await startVllm({ autoToolChoice: true }), (o) => ({ baseUrl: `${o}/v1`, model: 'Qwen/Qwen3-8B', params: { max_tokens: 2048, seed: 1 } })),
  },
  {
    family: 'sglang',
    tools: true,
    reasoning: true,
    start: async () =>
      withImitation(await startVllm({ autoToolChoice: true, flavour: 'sglang' }), (o) => ({ baseUrl: `${o}/v1`, model: 'Qwen/Qwen3-8B', params: { max_tokens: 2048 } })),
  },
  {
    family: 'llama.cpp',
    tools: true,
    reasoning: true,
    start: async () => withImitation(await startLlamaCpp({ jinja: true }), (o) => ({ baseUrl: `${o}/v1`, model: 'local', params: { max_tokens: 2048 } })),
  },
  {
    family: 'ollama',
    tools: true,
    reasoning: true,
    start: async () => withImitation(await startOllama({ model: 'qwen3:8b', tools: true }), (o) => ({ baseUrl: `${o}/v1`, model: 'qwen3:8b' })),
  },
  {
    family: 'anthropic',
    tools: true,
    reasoning: false,
    start: async () =>
      withImitation(await startAnthropic({ apiKey: PROVIDER_KEY }), (o) => ({
        baseUrl: `${o}/v1`,
        model: 'claude-sonnet-4-5',
        apiKey: PROVIDER_KEY,
        params: { temperature: 0.7, max_tokens: 1024 },
      })),
  },
  {
    family: 'gemini',
    tools: true,
    reasoning: false,
    start: async () =>
      withImitation(await startGemini({ apiKey: PROVIDER_KEY }), (o) => ({
        baseUrl: `${o}/v1beta/openai`,
        model: 'gemini-2.5-flash',
        apiKey: PROVIDER_KEY,
        params: { max_tokens: 8192, seed: 5, seedField: false },
      })),
  },
  {
    family: 'mistral',
    tools: true,
    reasoning: true,
    start: async () =>
      withImitation(await startMistral({ apiKey: PROVIDER_KEY }), (o) => ({
        baseUrl: `${o}/v1`,
        model: 'magistral-medium-2509',
        apiKey: PROVIDER_KEY,
        params: { seed: 5, seedField: 'random_seed' },
      })),
  },
  {
    family: 'dashscope',
    tools: true,
    reasoning: true,
    start: async () =>
      withImitation(await startDashScope({ apiKey: PROVIDER_KEY }), (o) => ({
        baseUrl: `${o}/compatible-mode/v1`,
        model: 'qwen3-32b',
        apiKey: PROVIDER_KEY,
        params: { stream: true },
      })),
  },
  {
    family: 'rate-limited-gateway',
    tools: true,
    reasoning: false,
    start: async () => withImitation(await startRateLimited({ every: 7, retryAfter: '1' }), (o) => ({ baseUrl: `${o}/v1`, model: GATEWAY_MODEL })),
  },
  {
    family: 'streaming-only-proxy',
    tools: true,
    reasoning: false,
    start: async () => withImitation(await startSseOnly(), (o) => ({ baseUrl: `${o}/v1`, model: GATEWAY_MODEL, params: { stream: true } })),
  },
];
