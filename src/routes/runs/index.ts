import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { registerCancelRun } from './cancel.js';
import { registerCreateRun } from './create.js';
import { registerRunEvents } from './events.js';
import { registerGetRun } from './get.js';
import { registerListRuns } from './list.js';
import { registerGetReport } from './report.js';
import { registerReportHtml } from './report-html.js';
import { registerRescore } from './rescore.js';
import { registerTranscripts } from './transcripts.js';
import { registerExportTranscripts } from './transcripts-export.js';
import { registerCreateRunShare } from './share-create.js';
import { registerRevokeRunShare } from './share-revoke.js';

export function registerRunRoutes(app: App, deps: Deps) {
  registerCreateRun(app, deps);
  registerListRuns(app, deps);
  registerGetRun(app, deps);
  registerCancelRun(app, deps);
  registerRunEvents(app, deps);
  registerTranscripts(app, deps);
  registerGetReport(app, deps);
  registerReportHtml(app, deps);
  registerRescore(app, deps);
  registerExportTranscripts(app, deps);
  registerCreateRunShare(app, deps);
  registerRevokeRunShare(app, deps);
}
