// The subset of the OpenAI chat-completions wire format the simulated agent reads and writes.

// ---------------------------------------------------------------------------------------------------------------
// OpenAI wire types (the subset we read and write)
// ---------------------------------------------------------------------------------------------------------------

export interface SimToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface InMessage {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
}

export interface SimChoice {
  content: string | null;
  reasoning_content?: string;
  tool_calls?: SimToolCall[];
  finish_reason: 'stop' | 'tool_calls' | 'length';
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: Array<{
    index: 0;
    message: { role: 'assistant'; content: string | null; reasoning_content?: string; tool_calls?: SimToolCall[] };
    finish_reason: SimChoice['finish_reason'];
  }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    completion_tokens_details: { reasoning_tokens: number };
  };
}


