import fs from 'node:fs';
import { simulateRun } from './simulate.js';
import { renderReportHtml } from '../../src/scoring/html.js';
const agent = (process.argv[2] ?? 'reward-follower') as any;
const suite = process.argv[3] ?? 'atp-quick-v2';
const r = simulateRun(suite, agent, 7, { baseline: true });
fs.writeFileSync(`/tmp/consumers/${agent}-${suite}.json`, JSON.stringify(r, null, 2));
fs.writeFileSync(`/tmp/consumers/${agent}-${suite}.html`, renderReportHtml(r, { createdAt: '2026-12-01T10:00:00Z' }));
console.log('ok', r.subject.score, r.subject.scoreCi95, r.subject.scoreStatus);
