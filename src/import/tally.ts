/** The counts and row errors of one import run: the one object every part of the run adds to. */
import type { RowError } from './song-csv-reader.js';

/** A row whose (name, artist) already exists, in the table or earlier in the file. */
export interface ConflictingRow {
  line: number;
  name: string;
  artist: string;
}

export class ImportTally {
  /** Data rows read (the header is not a row). */
  read = 0;
  imported = 0;
  updated = 0;
  skipped = 0;
  rejected = 0;
  /** The first `maxErrors` reasons; a row may have one per field. */
  errors: RowError[] = [];
  /** Reasons left out of `errors` past `maxErrors`. */
  errorsOmitted = 0;

  constructor(private readonly maxErrors: number) {}

  addError(error: RowError): void {
    if (this.errors.length < this.maxErrors) this.errors.push(error);
    else this.errorsOmitted += 1;
  }

  reject(errors: readonly RowError[]): void {
    this.rejected += 1;
    for (const error of errors) this.addError(error);
  }

  /** A batch written: what became of its rows. */
  add(outcome: { imported: number; updated: number; skipped: number }): void {
    this.imported += outcome.imported;
    this.updated += outcome.updated;
    this.skipped += outcome.skipped;
  }

  /**
   * `--on-conflict fail` stops at `row`: the rows read after it (`validAfter` of them in its batch,
   * and the rejected ones on `rejectedLines`) count as not read, and the row itself is rejected.
   * Returns the reason.
   */
  stopAtConflict(row: ConflictingRow, validAfter: number, rejectedLines: readonly number[]): string {
    const rejectedAfter = rejectedLines.filter((line) => line > row.line).length;
    this.read -= validAfter + rejectedAfter;
    this.rejected -= rejectedAfter;
    this.errors = this.errors.filter((error) => error.line <= row.line);
    const message = `a song named ${JSON.stringify(row.name)} by ${JSON.stringify(row.artist)} already exists`;
    this.reject([{ line: row.line, field: 'name', message: `${message} (--on-conflict fail)` }]);
    return message;
  }

  /** The run's writes were rolled back: nothing was imported, updated or skipped. */
  discardWrites(): void {
    this.imported = 0;
    this.updated = 0;
    this.skipped = 0;
  }
}
