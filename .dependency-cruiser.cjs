// Dependency rules (see CONTRIBUTING.md, "Layers"). Arrows point inward:
//   entry points (cli, server, bootstrap)  →  app/routes/http  →  services  →  domain  →  db
//   the runner (a job worker) calls services and domain modules, never routes or HTTP code;
//   testbeds/ and scoring/ are pure: no database, network, files or clock of their own;
//   lib/ is shared vocabulary and helpers that depend on nothing else of ours.
// `npm run lint:deps` checks them; .ci/run runs it before the tests, so a wrong arrow fails CI.
/** @type {import('dependency-cruiser').IConfiguration} */
const ROUTES = '^src/(routes|http)/|^src/app\\.ts$';
const SERVICES = '^src/services/';
const DOMAIN = '^src/(domain|webhooks)/';
const RUNNER = '^src/runner/';
const PURE = '^src/(testbeds|scoring)/';
const ENTRY = '^src/(cli|server|bootstrap)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other in a cycle.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'services-not-outward',
      severity: 'error',
      comment: 'Services know nothing of HTTP, routes, the runner or entry points; they throw lib/errors ServiceError.',
      from: { path: SERVICES },
      to: { path: [ROUTES, RUNNER, ENTRY] },
    },
    {
      name: 'domain-not-outward',
      severity: 'error',
      comment: 'Domain modules (run lifecycle, jobs, webhooks) sit under services: they never import services, routes, HTTP or the runner.',
      from: { path: DOMAIN },
      to: { path: [SERVICES, ROUTES, RUNNER, ENTRY] },
    },
    {
      name: 'runner-not-routes',
      severity: 'error',
      comment: 'The runner calls services and domain modules, never routes or HTTP code.',
      from: { path: RUNNER },
      to: { path: [ROUTES, ENTRY] },
    },
    {
      name: 'routes-through-services',
      severity: 'error',
      comment: 'Routes reach the database through services (or domain modules), never by querying tables, and never call the runner.',
      from: { path: '^src/routes/' },
      to: { path: ['^src/db/', RUNNER, ENTRY] },
    },
    {
      name: 'db-is-innermost',
      severity: 'error',
      comment: 'The database layer imports only lib/ and pure types.',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/db/', '^src/lib/', '^src/testbeds/types\\.ts$', '^src/deps\\.ts$', '^src/config/'] },
    },
    {
      name: 'pure-testbeds-and-scoring',
      severity: 'error',
      comment: 'testbeds/ and scoring/ are pure: given the same inputs they return the same bytes, so no I/O of any kind.',
      from: { path: PURE },
      to: {
        path: [
          '^src/(db|domain|services|runner|routes|http|webhooks|net|cli|config|auth|observability|sim)/',
          '^src/model/openai-client',
          '^src/(app|server|bootstrap|deps)\\.ts$',
          '^src/lib/(logger|sleep|clock)\\.ts$',
          '^(node:)?(fs|fs/promises|net|http|https|dgram|dns|child_process|worker_threads)$',
          // @hono/zod-openapi is allowed: it is zod plus OpenAPI metadata (report sections declare their schema), no I/O
          'node_modules/(drizzle-orm|postgres|@electric-sql|openai|hono|@hono/(?!zod-openapi/))',
        ],
      },
    },
    {
      name: 'lib-is-a-leaf',
      severity: 'error',
      comment: 'lib/ holds shared vocabulary and helpers: it imports nothing else of ours.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^openapi/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
