import type { App } from '../../http/env.js';
import { registerCancelRun } from './cancel.js';
import { registerCreateRun } from './create.js';
import { registerRunEvents } from './events.js';
import { registerGetRun } from './get.js';
import { registerListRuns } from './list.js';
import { registerGetReport } from './report.js';
import { registerReportHtml } from './report-html.js';
import { registerRescore } from './rescore.js';
import { registerTranscripts } from './transcripts.js';

export function registerRunRoutes(app: App) {
  registerCreateRun(app);
  registerListRuns(app);
  registerGetRun(app);
  registerCancelRun(app);
  registerRunEvents(app);
  registerTranscripts(app);
  registerGetReport(app);
  registerReportHtml(app);
  registerRescore(app);
}
