/**
 * Streams a songs CSV into validated rows, one at a time: memory stays flat whatever the file's
 * size. Parsing is csv-parse's (RFC 4180: quoted fields with commas, doubled quotes and line
 * breaks); validation is `songCreateSchema`'s, the schema of `song.create`.
 *
 * Line numbers are physical lines of the file: the header is line 1, and a record whose quoted
 * field spans lines is reported at the line where it starts.
 */
import type { Readable } from 'node:stream';
import { type CsvError, type Options, Parser } from 'csv-parse';
import { songCreateSchema } from '../songs/schemas.js';
import { quoteCell, releaseDateCell, streamsCell } from './csv-fields.js';

/** The song fields a file provides, in the column order of a file without a header row. */
const SONG_FIELDS = ['name', 'artist', 'streams', 'releasedOn'] as const;
type SongField = (typeof SONG_FIELDS)[number];

/** A row that passed validation, ready to be written. */
export interface ValidSongRow {
  line: number;
  /** Trimmed, as the schema outputs them. */
  name: string;
  artist: string;
  streams: number;
  /** "YYYY-MM-DD", a real calendar date. */
  releasedOn: string;
}

/** Why a row was not written. `field` is a song field, or "row" for the row as a whole. */
export interface RowError {
  line: number;
  field: string;
  message: string;
}

export type SongCsvItem = { ok: true; row: ValidSongRow } | { ok: false; line: number; errors: RowError[] };

/** The file cannot be imported at all (its header names no usable columns). */
export class CsvLayoutError extends Error {
  override name = 'CsvLayoutError';
}

/** Header cells are matched loosely: `released_on`, `releasedOn` and `Released On` are one column. */
const HEADER_ALIASES: Record<string, SongField> = {
  name: 'name',
  artist: 'artist',
  streams: 'streams',
  releasedon: 'releasedOn',
};
const normalizeHeader = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/**
 * How a file's records map to song fields. Files exported without a header row are common too:
 * a first record naming no known column, with exactly four fields, is data in `SONG_FIELDS` order.
 */
export interface CsvLayout {
  /** Index of each song field in a record. */
  columns: Record<SongField, number>;
  /** Fields every record must have. */
  width: number;
  hasHeader: boolean;
  /** Header cells that name no song field; their values are ignored. */
  ignoredColumns: string[];
}

function layoutFromFirstRecord(fields: readonly string[]): CsvLayout {
  const named = fields.map((cell) => HEADER_ALIASES[normalizeHeader(cell)]);
  if (named.every((field) => field === undefined)) {
    if (fields.length !== SONG_FIELDS.length) {
      throw new CsvLayoutError(
        'The first line must be a header naming the columns name, artist, streams and released_on ' +
          '(in any order), or a first song in that order.',
      );
    }
    return {
      columns: { name: 0, artist: 1, streams: 2, releasedOn: 3 },
      width: 4,
      hasHeader: false,
      ignoredColumns: [],
    };
  }
  const columns: Partial<Record<SongField, number>> = {};
  const ignoredColumns: string[] = [];
  named.forEach((field, index) => {
    if (field === undefined) {
      ignoredColumns.push(fields[index] as string);
    } else if (columns[field] !== undefined) {
      throw new CsvLayoutError(`The header names the column "${field}" twice.`);
    } else {
      columns[field] = index;
    }
  });
  const missing = SONG_FIELDS.filter((field) => columns[field] === undefined);
  if (missing.length > 0) {
    throw new CsvLayoutError(
      `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        '(expected name, artist, streams and released_on, in any order).',
    );
  }
  return {
    columns: columns as Record<SongField, number>,
    width: fields.length,
    hasHeader: true,
    ignoredColumns,
  };
}

const DATE_MESSAGE = 'releasedOn must be a real calendar date written "YYYY-MM-DD" or "29 November 2019"';

/** Validates one record's fields with the schema of `song.create`. */
function validateRecord(fields: readonly string[], line: number, layout: CsvLayout): SongCsvItem {
  if (fields.length !== layout.width) {
    const message =
      `expected ${layout.width} fields, found ${fields.length} ` +
      '(a field that contains a comma must be in double quotes)';
    return { ok: false, line, errors: [{ line, field: 'row', message }] };
  }
  const cells = {
    name: fields[layout.columns.name] as string,
    artist: fields[layout.columns.artist] as string,
    streams: fields[layout.columns.streams] as string,
    releasedOn: fields[layout.columns.releasedOn] as string,
  };
  const releasedOn = releaseDateCell(cells.releasedOn);
  const result = songCreateSchema.safeParse({
    name: cells.name,
    artist: cells.artist,
    streams: streamsCell(cells.streams),
    releasedOn,
  });
  if (result.success) {
    const { name, artist, streams } = result.data;
    // The schema accepted `releasedOn`, so this "YYYY-MM-DD" string names the same date it returns.
    return { ok: true, row: { line, name, artist, streams, releasedOn } };
  }
  const errors: RowError[] = [];
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'row') as SongField;
    if (errors.some((error) => error.field === field)) continue; // the first reason per field is enough
    const message = field === 'releasedOn' ? DATE_MESSAGE : issue.message;
    const cell = cells[field];
    errors.push({
      line,
      field,
      message: cell === undefined ? message : `${message} (got ${quoteCell(cell)})`,
    });
  }
  return { ok: false, line, errors };
}

/**
 * Line breaks inside a record's (quoted) fields, as an editor counts them ("\r\n", "\n" and a
 * lone "\r" are one each), and how many of them are "\r\n": csv-parse counts those as two lines.
 */
function lineBreaksIn(fields: readonly string[]): { breaks: number; crlf: number } {
  let newlines = 0;
  let returns = 0;
  let crlf = 0;
  for (const field of fields) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    for (let at = 0; at < field.length; at += 1) {
      const char = field.charCodeAt(at);
      if (char === 10) newlines += 1;
      else if (char === 13) {
        returns += 1;
        if (field.charCodeAt(at + 1) === 10) crlf += 1;
      }
    }
  }
  return { breaks: newlines + returns - crlf, crlf };
}

interface ReadSongCsvOptions {
  /** Told once, after the first record, how the file's columns were read. */
  onLayout?: (layout: CsvLayout) => void;
}

const PARSER_OPTIONS: Options = {
  bom: true,
  relax_column_count: true, // a row with a wrong field count is that row's error, not the file's
  relax_quotes: true, // `Bob "Bobby" Smith` unquoted is taken literally
  skip_empty_lines: true,
  skip_records_with_error: true,
  max_record_size: 1_000_000, // a runaway quote must not pull the rest of a huge file into one field
};

/**
 * A csv-parse `Parser` that hands each record to a callback, with the line count at the moment
 * the record ended, instead of pushing it to its readable side. Why not the `on_record` option:
 * csv-parse builds a fresh info object (two object spreads) for every call, which cost more than
 * the parsing itself (docs/performance.md); `this.info` is the same count, kept live.
 */
class RecordParser extends Parser {
  readonly #onRecord: (fields: string[], lines: number) => void;

  constructor(options: Options, onRecord: (fields: string[], lines: number) => void) {
    super(options);
    this.#onRecord = onRecord;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(chunk, encoding); // the end of the stream
    this.#onRecord(chunk as string[], this.info.lines);
    return true;
  }
}

/**
 * Yields every data record of `input` as a valid row or a rejected one, in file order, a parsed
 * chunk of the input at a time (about a thousand rows per 64 KB read). Throws `CsvLayoutError`
 * when the header is unusable. Stopping the iteration early (break, return) destroys the parser
 * and `input`.
 *
 * Why arrays: iterating the parser's object stream costs two promise round trips per row (the
 * stream's async iterator, then this generator's), which cost several times the parsing and
 * validating itself (docs/performance.md). Here each record is validated as it is parsed,
 * synchronously inside `parser.write()` (see `RecordParser`), and nothing is left for the stream
 * to buffer.
 */
export async function* readSongCsvChunks(
  input: Readable,
  options: ReadSongCsvOptions = {},
): AsyncGenerator<SongCsvItem[], void, undefined> {
  // Records and unparseable stretches are both noticed while parsing, the latter through the
  // 'skip' event, which csv-parse emits before it has settled the line count: queue them and emit
  // them in line order.
  let lastParsedLine = 0;
  // csv-parse's own line count takes a "\r\n" inside a quoted field for two lines: undo that.
  let overcounted = 0;
  const unparseable: RowError[] = [];
  let pending: SongCsvItem[] = [];
  let layout: CsvLayout | undefined;
  // Thrown from here rather than from `on_record`, where csv-parse would make it a stream error.
  let layoutError: unknown = null;

  const rejectUnparseable = (before: number) => {
    while (unparseable.length > 0 && (unparseable[0] as RowError).line < before) {
      const error = unparseable.shift() as RowError;
      pending.push({ ok: false, line: error.line, errors: [error] });
    }
  };

  const parser = new RecordParser(PARSER_OPTIONS, (fields, lines) => {
    const { breaks, crlf } = lineBreaksIn(fields);
    overcounted += crlf;
    lastParsedLine = lines - overcounted;
    const line = lastParsedLine - breaks;
    if (layoutError !== null) return;
    rejectUnparseable(line);
    if (layout === undefined) {
      try {
        layout = layoutFromFirstRecord(fields);
      } catch (error) {
        layoutError = error;
        return;
      }
      options.onLayout?.(layout);
      if (layout.hasHeader) return;
    }
    pending.push(validateRecord(fields, line, layout));
  });
  parser.on('skip', (error: CsvError) => {
    const line = lastParsedLine + 1;
    unparseable.push({ line, field: 'row', message: `not readable as CSV: ${error.message}` });
    const lines = (error as CsvError & { lines?: number }).lines;
    lastParsedLine = lines === undefined ? line : lines - overcounted;
  });
  // A parse error also lands in `parser.errored`, checked after each write; this listener only
  // keeps the event from being an uncaught one.
  parser.on('error', () => undefined);
  // Nothing is ever pushed, but the readable side must flow for the stream to end.
  parser.resume();

  const check = () => {
    if (layoutError !== null) throw layoutError;
    if (parser.errored) throw parser.errored;
  };
  const take = () => {
    const items = pending;
    pending = [];
    return items;
  };

  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      parser.write(chunk); // parses and validates the whole chunk before it returns
      check();
      if (pending.length > 0) yield take();
    }
    parser.end();
    await ended(parser);
    check();
    rejectUnparseable(Number.POSITIVE_INFINITY);
    if (pending.length > 0) yield take();
  } finally {
    parser.destroy();
    input.destroy();
  }
}

function ended(parser: Parser): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    parser.once('end', resolve).once('error', reject);
    if (parser.readableEnded) resolve();
  });
}

/** `readSongCsvChunks`, one item at a time. */
export async function* readSongCsv(
  input: Readable,
  options: ReadSongCsvOptions = {},
): AsyncGenerator<SongCsvItem, void, undefined> {
  for await (const items of readSongCsvChunks(input, options)) yield* items;
}
