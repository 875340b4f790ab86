/**
 * COPY's text format, written straight into bytes: one line per row, tab-separated columns,
 * backslash, tab and line breaks escaped.
 *
 * Why bytes and not a string per batch: rows wait in their batch while the batch before is being
 * written, long enough to survive young-generation collections; as objects and strings they were
 * copied and promoted, and garbage collection became a large share of the import's time. In a
 * Buffer (memory outside the JavaScript heap) a waiting row costs the collector nothing
 * (docs/performance.md).
 */
import type { ValidSongRow } from './song-csv-reader.js';
import { type TimeOrderedIdBatch, UUID_TEXT_LENGTH } from './time-ordered-ids.js';

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyValue = (text: string) =>
  COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (char) => COPY_ESCAPES[char] as string) : text;

const TAB = 0x09;
const NEWLINE = 0x0a;
/** Worst case of UTF-8 bytes per UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/** COPY text for a batch of rows, growing as needed. */
export class CopyData {
  #bytes: Buffer;
  #length = 0;

  constructor(capacity = 1 << 20) {
    this.#bytes = Buffer.allocUnsafeSlow(capacity);
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafeSlow(capacity);
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }

  /** A value that may hold COPY's special characters. Then a tab. */
  #text(value: string): void {
    const escaped = copyValue(value);
    this.#reserve(escaped.length * MAX_UTF8_BYTES_PER_UNIT + 1);
    this.#length += this.#bytes.write(escaped, this.#length, 'utf8');
    this.#bytes[this.#length++] = TAB;
  }

  /** A value known to be plain ASCII (a number, a date, a timestamp). Then a tab. */
  ascii(value: string): void {
    this.#reserve(value.length + 1);
    this.#length += this.#bytes.write(value, this.#length, 'latin1');
    this.#bytes[this.#length++] = TAB;
  }

  /** The next id of `ids`. Then a tab. */
  #id(ids: TimeOrderedIdBatch): void {
    this.#reserve(UUID_TEXT_LENGTH + 1);
    this.#length = ids.writeNext(this.#bytes, this.#length);
    this.#bytes[this.#length++] = TAB;
  }

  /** A new song's columns: id, name, artist, streams, released_on. Then a tab. */
  song(row: ValidSongRow, ids: TimeOrderedIdBatch): void {
    this.#id(ids);
    this.#text(row.name);
    this.#text(row.artist);
    this.ascii(String(row.streams)); // `String(number)` round-trips a float8 exactly
    this.ascii(row.releasedOn);
  }

  /** Ends the row: its last tab becomes the line break. */
  endRow(): void {
    this.#bytes[this.#length - 1] = NEWLINE;
  }

  get size(): number {
    return this.#length;
  }

  /** The bytes written (a view: valid until the next write). */
  get data(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }
}
