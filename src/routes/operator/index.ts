import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { registerListOperatorBaselines } from './list.js';
import { registerRegisterOperatorBaseline } from './register.js';
import { registerRetireOperatorBaseline } from './retire.js';

export function registerOperatorRoutes(app: App, deps: Deps) {
  registerRegisterOperatorBaseline(app, deps);
  registerListOperatorBaselines(app, deps);
  registerRetireOperatorBaseline(app, deps);
}
