import type { Deps } from '../../deps.js';
import { ServiceError } from '../../lib/errors.js';
import type { ConsoleApp } from '../env.js';
import { CSRF_FIELD, csrfToken, loginCsrf } from '../csrf.js';
import { html, Layout } from '../layout.js';
import { signIn, signOut } from '../session.js';

/** Only a path of the console: never an absolute URL (an open redirect would send a fresh session elsewhere). */
const safeNext = (v: unknown) => (typeof v === 'string' && /^\/console\/[A-Za-z0-9/_?=&%.,~-]*$/.test(v) && !v.startsWith('//') ? v : '/console/runs');

function LoginPage(p: { csrf: string; next: string; error?: string; signedIn?: boolean }) {
  return (
    <Layout title="Sign in" active="none" signedIn={p.signedIn} csrf={p.csrf}>
      <h1>Sign in</h1>
      <p class="lead">
        Paste an API token (from <code>atp-bench token --tenant NAME</code>). The console keeps a signed session cookie for up to 12
        hours; the token itself is not stored in the browser.
      </p>
      {p.error ? <p class="error" role="alert">{p.error}</p> : null}
      <form method="post" action="/console/login" class="card">
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name="next" value={p.next} />
        <label for="token">API token</label>
        <textarea id="token" name="token" rows={4} required autocomplete="off" spellcheck={false}></textarea>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

export function registerLogin(ui: ConsoleApp, deps: Deps) {
  // signed in already (to switch to another token): the header offers Sign out, the form still signs in anew
  ui.get('/login', (c) =>
    html(c, <LoginPage csrf={csrfToken(c, deps) || loginCsrf(c)} next={safeNext(c.req.query('next'))} signedIn={!!c.get('session')} />),
  );

  ui.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    try {
      await signIn(c, deps, typeof form.token === 'string' ? form.token.slice(0, 4096) : '');
    } catch (err) {
      if (!(err instanceof ServiceError) || err.kind !== 'unauthorized') throw err;
      return html(c, <LoginPage csrf={loginCsrf(c)} next={next} error={err.message} />, 401);
    }
    return c.redirect(next, 303);
  });

  // signing out changes state, so it is a POST with the form token; a typed or bookmarked /console/logout gets the
  // button to do it (or, without a session, is sent where signing out leads)
  ui.get('/logout', (c) => {
    if (!c.get('session')) return c.redirect('/', 303);
    return html(
      c,
      <Layout title="Sign out" active="none" signedIn csrf={csrfToken(c, deps)}>
        <h1>Sign out</h1>
        <form method="post" action="/console/logout" class="card">
          <input type="hidden" name={CSRF_FIELD} value={csrfToken(c, deps)} />
          <p>Sign out of the console in this browser? The session ends on the server too, so a copy of its cookie stops working.</p>
          <button type="submit">Sign out</button>
        </form>
        <p><a href="/console/runs">Back to your runs</a></p>
      </Layout>,
    );
  });

  ui.post('/logout', async (c) => {
    await signOut(c, deps);
    return c.redirect('/', 303);
  });
}
