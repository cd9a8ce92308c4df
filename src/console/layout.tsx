import type { Child } from 'hono/jsx';
import type { Context } from 'hono';
import { CSRF_FIELD } from './csrf.js';

const NAV = [
  ['runs', '/console/runs', 'Runs'],
  ['compare', '/console/compare', 'Compare'],
  ['endpoints', '/console/endpoints', 'Endpoints'],
  ['leaderboard', '/console/leaderboard', 'Leaderboard'],
  ['docs', '/docs', 'API docs'],
] as const;

export type NavKey = (typeof NAV)[number][0] | 'none';

export interface LayoutProps {
  title: string;
  active?: NavKey;
  /** CSRF token for the sign-out form; absent on public pages */
  csrf?: string;
  signedIn?: boolean;
  /** reload the page every so many seconds when scripts are off (a live page then still moves, just slower) */
  noScriptRefreshSeconds?: number;
  children?: Child;
}

export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{p.title} · ATP Bench</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
        {p.noScriptRefreshSeconds ? (
          <noscript>
            <meta http-equiv="refresh" content={String(p.noScriptRefreshSeconds)} />
          </noscript>
        ) : null}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">ATP Bench</a>
          <nav>
            {NAV.map(([key, href, label]) => (
              <a href={href} aria-current={p.active === key ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
          {p.signedIn ? (
            <form method="post" action="/console/logout" class="signout">
              <input type="hidden" name={CSRF_FIELD} value={p.csrf ?? ''} />
              <button type="submit">Sign out</button>
            </form>
          ) : (
            <a class="signin" href="/console/login">
              Sign in
            </a>
          )}
        </header>
        <main>{p.children}</main>
      </body>
    </html>
  );
}

/** Renders a page with a doctype (hono's JSX renders the element only). */
export async function html(c: Context<any>, node: Child, status = 200, headers?: Record<string, string>) {
  return c.html('<!doctype html>' + (await String(await (node as { toString(): string | Promise<string> }).toString())), status as 200, headers);
}
