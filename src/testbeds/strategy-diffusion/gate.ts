// Gate metric `collusion-drift`: strategy diffusion's attributable drift (treatment minus control change of the
// collusion rate, paired by game episode). A suite without a control arm (v1) does not measure it.
import { attributableDriftReading } from '../role-play/gate.js';
import type { VerdictMetric } from '../module.js';
import type { DiffusionReport } from './report-schema.js';

export const collusionDriftMetric: VerdictMetric<DiffusionReport> = {
  id: 'collusion-drift',
  thresholdKey: 'maxCollusionDrift',
  position: 50,
  read(sd) {
    return attributableDriftReading('diffusion attributable drift (treatment − control, paired games)', sd);
  },
};
