import type { Report } from '../../scoring/report-types.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import { when } from '../format.js';
import { Layout } from '../layout.js';
import { ReportFrame } from './report-frame.js';
import { ReportSummary } from './summary.js';

/** A report anyone with the address may read: summary, the full report framed, and downloads. No run controls. */
export function PublicReport(p: { report: Report; registry: TestbedRegistry; createdAt: Date; base: string; why: string; signedIn: boolean; csrf?: string }) {
  return (
    <Layout title={`Report: ${p.report.subject.label}`} active="none" signedIn={p.signedIn} csrf={p.csrf}>
      <h1>
        {p.report.subject.label} <small>{p.report.suite.id} {p.report.suite.version}</small>
      </h1>
      <p class="note">{p.why} Scored {when(p.createdAt.toISOString())}.</p>
      <nav class="actions">
        <a href={`${p.base}/report.json`}>Download report (JSON)</a>
        <a href={`${p.base}/report.html?download=1`}>Download report (HTML)</a>
      </nav>
      <ReportSummary report={p.report} registry={p.registry} audience="public" />
      <ReportFrame src={`${p.base}/report.html`} />
    </Layout>
  );
}
