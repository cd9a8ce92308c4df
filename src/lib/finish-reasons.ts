// Words a chat completion's `finish_reason` uses that more than one layer needs to recognise.

/**
 * Finish reasons that say the provider's content filter stopped the answer: OpenAI's and Azure's `content_filter`
 * (Gemini's OpenAI layer maps its safety reasons to it too), Gemini's own reasons as gateways pass them through
 * (SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY), and Bedrock's (`content_filtered`,
 * `guardrail_intervened`). Matched whole, in any case.
 */
const CONTENT_FILTER_FINISH = /^(?:content_filter(?:ed)?|safety|recitation|blocklist|prohibited_content|spii|image_safety|guardrail_intervened)$/i;

export const isContentFilterFinish = (finishReason: string | null | undefined): boolean =>
  typeof finishReason === 'string' && CONTENT_FILTER_FINISH.test(finishReason);
