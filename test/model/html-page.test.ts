import { describe, expect, it } from 'vitest';
import { summariseErrorBody } from '../../src/model/error-body.js';
import { botChallengeOf } from '../../src/model/html-page.js';

const h = (o: Record<string, string>) => new Headers(o);
const CF_502 =
  '<!DOCTYPE html><html><head><title>api.example.com | 502: Bad gateway</title></head><body>' +
  '<div id="cf-error-details"><h1>Bad gateway</h1><span>Error code 502</span><a href="https://www.cloudflare.com/5xx-error-landing">Cloudflare</a></div></body></html>';

describe('bot-protection challenges', () => {
  it("are told by the vendors' markers: headers, or the challenge page itself", () => {
    expect(botChallengeOf(h({ 'cf-mitigated': 'challenge' }), '')).toBe('Cloudflare');
    expect(botChallengeOf(h({ 'x-amzn-waf-action': 'captcha' }), null)).toBe('AWS WAF');
    expect(botChallengeOf(h({}), '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>')).toBe('Cloudflare');
    expect(botChallengeOf(h({}), '<html><body><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>')).toBe('Cloudflare');
    expect(botChallengeOf(h({}), '<html><body><iframe src="https://geo.captcha-delivery.com/captcha/"></iframe></body></html>')).toBe('DataDome');
  });

  it("are not a CDN's ordinary error page, nor a JSON error mentioning a challenge", () => {
    expect(botChallengeOf(h({ server: 'cloudflare' }), CF_502)).toBeNull();
    expect(botChallengeOf(h({}), JSON.stringify({ error: { message: 'Just a moment... challenge-platform' } }))).toBeNull();
  });
});

describe('HTML error bodies', () => {
  it('are told by their title (entities decoded) or, without one, their first words; never their markup', () => {
    expect(summariseErrorBody(CF_502)?.text).toBe('an HTML page titled "api.example.com | 502: Bad gateway" instead of an API answer');
    expect(summariseErrorBody('<html><body><h1>Service&nbsp;Unavailable</h1><script>var x = 1;</script></body></html>')?.text).toBe(
      'an HTML page reading "Service Unavailable" instead of an API answer',
    );
  });
});
