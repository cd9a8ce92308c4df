import type { App } from '../../http/env.js';
import { registerListOperatorBaselines } from './list.js';
import { registerRegisterOperatorBaseline } from './register.js';
import { registerRetireOperatorBaseline } from './retire.js';

export function registerOperatorRoutes(app: App) {
  registerRegisterOperatorBaseline(app);
  registerListOperatorBaselines(app);
  registerRetireOperatorBaseline(app);
}
