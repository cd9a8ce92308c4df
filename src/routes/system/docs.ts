import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { App } from '../../http/env.js';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Assets are read from the installed swagger-ui-dist package: the docs work with no network at all. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ATP Bench API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `// "Try it out" calls the service that served this page, whatever its host and port: its own origin is put first
// among the document's servers (the committed document keeps an absolute default for client generators)
fetch('/openapi.json')
  .then(function (res) { return res.json(); })
  .then(function (spec) {
    spec.servers = [{ url: window.location.origin, description: 'This service' }].concat(spec.servers || []);
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: '#swagger-ui',
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
      validatorUrl: null,
      // a token typed into "Authorize" lives only as long as the tab: never in localStorage, where any script of
      // this origin (or anyone at the keyboard later) could read it
      persistAuthorization: false
    });
  });`;

/**
 * The docs page runs only its own, self-hosted scripts (no inline code, no CDN); swagger-ui sets inline styles and
 * shows data: images; "Try it out" calls this origin only; nobody may frame it.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function registerDocs(app: App) {
  const cache = new Map<string, Buffer>();
  app.get('/docs', (c) => c.html(PAGE, 200, { 'content-security-policy': DOCS_CSP, 'cache-control': 'no-store' }));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.notFound();
    let body = cache.get(file);
    if (!body) {
      body = fs.readFileSync(path.join(SWAGGER_DIR, file));
      cache.set(file, body);
    }
    return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}
