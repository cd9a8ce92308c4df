// Gateways and failure modes in front of a model: rate limits, an exhausted quota, a proxy that only streams, a
// dead address and an endpoint that starts failing in the middle of a run.
import {
  completion,
  deadOrigin,
  json,
  openAIError,
  openAIMessage,
  simulatedAnswer,
  startImitation,
  streamChunks,
  usage,
  type Imitation,
  type ImitationReply,
  type ImitationRequest,
} from './imitation.js';

const MODEL = 'gateway-model';

function ok(r: ImitationRequest): ImitationReply {
  const a = simulatedAnswer(r.body);
  return json(200, completion(MODEL, openAIMessage(a), a.finishReason, usage(r.body, a.answerTokens)));
}

/** Every `every`-th call is a 429 with `Retry-After` (seconds, as most gateways send it). */
export function startRateLimited(opts: { every: number; retryAfter: string }): Promise<Imitation> {
  return startImitation((r) =>
    r.callIndex % opts.every === opts.every - 1
      ? { ...openAIError(429, 'Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded'), headers: { 'retry-after': opts.retryAfter } }
      : ok(r),
  );
}

/** OpenAI's billing 429: retrying cannot help. */
export function startQuotaExhausted(): Promise<Imitation> {
  return startImitation(() =>
    openAIError(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'),
  );
}

/** A proxy that always answers `text/event-stream`, whatever `stream` says. */
export function startSseOnly(): Promise<Imitation> {
  return startImitation((r) => {
    const a = simulatedAnswer(r.body);
    return { sse: streamChunks(MODEL, a, usage(r.body, a.answerTokens)) };
  });
}

/** Answers `healthy` calls, then 503s every call after. */
export function startFailingAfter(healthy: number): Promise<Imitation> {
  return startImitation((r) =>
    r.callIndex < healthy ? ok(r) : json(503, { error: { message: 'upstream connect error or disconnect/reset before headers. reset reason: overflow', type: 'server_error' } }),
  );
}

/**
 * Cloudflare's managed challenge in front of an API (bot fight mode on the API's hostname, or a web hostname used
 * as baseUrl): 403 (or 503 under "I'm under attack") with `cf-mitigated: challenge` and a page of script.
 */
export function startBotChallenge(opts: { status: 403 | 503 }): Promise<Imitation> {
  const page =
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>' +
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">' +
    '<style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15}</style></head><body>' +
    '<div class="main-wrapper" role="main"><div class="main-content"><noscript><div class="h2">' +
    '<span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript></div></div>' +
    "<script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'api.example.com',cType: 'managed',cRay: '8f2c1a'};" +
    "var a = document.createElement('script');a.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f2c1a';" +
    'document.getElementsByTagName("head")[0].appendChild(a);}());</script></body></html>';
  return startImitation(() => ({
    status: opts.status,
    text: page,
    headers: { 'content-type': 'text/html; charset=UTF-8', 'cf-mitigated': 'challenge', server: 'cloudflare', 'cf-ray': '8f2c1a-AMS' },
  }));
}

/** A gateway that answers 502 with a huge HTML page (`bytes` long) whose title is `title`. */
export function startHugeErrorPage(opts: { status: number; bytes: number; title: string }): Promise<Imitation> {
  const top = `<html><head><title>${opts.title}</title></head><body><center><h1>${opts.title}</h1></center><pre>`;
  const text = top + 'upstream trace\n'.repeat(Math.ceil(opts.bytes / 15)).slice(0, Math.max(0, opts.bytes - top.length - 20)) + '</pre></body></html>';
  return startImitation(() => ({ status: opts.status, text, headers: { 'content-type': 'text/html' } }));
}

/**
 * A single-sign-on front end (an identity-aware proxy, a corporate gateway) in front of the API: every request,
 * whatever its path, is answered 200 with the sign-in page.
 */
export function startSignInPage(title = 'Sign in - Corp SSO'): Promise<Imitation> {
  const page = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title><script>window.__cfg={}</script></head><body><form method="post" action="/login"><input name="user"><input type="password" name="password"><button>Sign in</button></form></body></html>`;
  return startImitation(() => ({ status: 200, text: page, headers: { 'content-type': 'text/html; charset=utf-8' } }));
}

/** OpenRouter with an account out of credits: 402, `{error:{code:402, message}}`. */
export function startOutOfCredits(): Promise<Imitation> {
  return startImitation(() =>
    json(402, {
      error: {
        code: 402,
        message:
          'Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits',
      },
    }),
  );
}

/** A server (or a proxy rewriting statuses) that answers its errors with 200 and this body. */
export function startErrorsAs200(body: unknown): Promise<Imitation> {
  return startImitation(() => json(200, body));
}

export { deadOrigin, MODEL as GATEWAY_MODEL };
