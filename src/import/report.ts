/** How an import run is told: the `--json` object and the human summary. */
import type { ImportReport } from './import-songs.js';

/** The `--json` object (docs/import.md). Keys past the six always present appear only when they say something. */
interface ImportReportJson
  extends Pick<ImportReport, 'read' | 'imported' | 'updated' | 'skipped' | 'rejected' | 'errors'> {
  errorsOmitted?: number;
  dryRun?: true;
  rolledBack?: true;
  stopped?: NonNullable<ImportReport['stopped']>;
}

export function importReportJson(report: ImportReport): ImportReportJson {
  const { read, imported, updated, skipped, rejected, errors } = report;
  return {
    read,
    imported,
    updated,
    skipped,
    rejected,
    errors,
    ...(report.errorsOmitted > 0 ? { errorsOmitted: report.errorsOmitted } : {}),
    ...(report.dryRun ? { dryRun: true as const } : {}),
    ...(report.rolledBack ? { rolledBack: true as const } : {}),
    ...(report.stopped ? { stopped: report.stopped } : {}),
  };
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** Errors listed in the human summary; `--json` has them all (up to the report's cap). */
const ERRORS_SHOWN = 20;

/** A few lines for a terminal. */
export function formatImportReport(report: ImportReport, options: { source: string }): string {
  const seconds = report.durationMs / 1000;
  const rate = seconds > 0 ? ` (${count(Math.round(report.read / seconds))} rows/s)` : '';
  const lines = [
    `Read ${plural(report.read, 'row')} from ${options.source} in ${seconds.toFixed(1)} s${rate}.`,
  ];
  const outcome =
    `${count(report.imported)} imported, ${count(report.updated)} updated, ` +
    `${count(report.skipped)} skipped (already there), ${count(report.rejected)} rejected.`;
  lines.push(report.dryRun ? `Dry run, nothing written. It would have: ${outcome}` : outcome);

  if (report.errors.length > 0) {
    lines.push('Rejected rows:');
    for (const error of report.errors.slice(0, ERRORS_SHOWN)) {
      lines.push(`  line ${error.line}, ${error.field}: ${error.message}`);
    }
    const more = report.errors.length - ERRORS_SHOWN + report.errorsOmitted;
    if (more > 0) lines.push(`  … and ${plural(more, 'more reason')} (--json lists up to 1,000).`);
  }

  const { stopped } = report;
  if (stopped?.reason === 'conflict') {
    lines.push(`Stopped at line ${stopped.line} (--on-conflict fail): ${stopped.message}.`);
  } else if (stopped?.reason === 'interrupted') {
    lines.push(
      report.rolledBack || report.dryRun
        ? `Interrupted after line ${stopped.line}.`
        : `Interrupted: stopped after line ${stopped.line}, whole batches written. ` +
            'Run the same command again to import the rest (songs already there are skipped).',
    );
  } else if (stopped?.reason === 'error') {
    lines.push(`Stopped after line ${stopped.line}: the database failed: ${stopped.message}`);
    if (!report.rolledBack && !report.dryRun) lines.push('Batches written before that stay written.');
  }
  if (report.rolledBack) {
    lines.push(
      stopped === null
        ? `Nothing was written (--strict, and ${count(report.rejected)} ${report.rejected === 1 ? 'row was' : 'rows were'} rejected).`
        : 'Nothing from this run was written.',
    );
  }
  return lines.join('\n');
}
