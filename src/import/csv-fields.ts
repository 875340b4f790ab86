/**
 * CSV cells → the values `songCreateSchema` validates. Only the shape of the text is handled
 * here; whether a value is acceptable (a real date, a non-negative number) is the schema's call,
 * so that the import and `song.create` accept exactly the same songs.
 */

/** The English month names of the long date form ("29 November 2019"), January first. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const MONTHS_LOWER_CASE = MONTH_NAMES.map((month) => month.toLowerCase());

const LONG_DATE = /^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$/;

/**
 * A release date cell as the schema's "YYYY-MM-DD" string: ISO dates pass through, and the long
 * English form of the seed data ("29 November 2019", month names in any case) is rewritten.
 * Anything else is returned trimmed but unchanged, for the schema to reject with its message.
 */
export function releaseDateCell(cell: string): string {
  const text = cell.trim();
  const long = LONG_DATE.exec(text);
  if (!long) return text;
  const month = MONTHS_LOWER_CASE.indexOf((long[2] as string).toLowerCase());
  if (month === -1) return text;
  // "31 February 2020" becomes "2020-02-31", which the schema rejects as no real date.
  return `${long[3]}-${String(month + 1).padStart(2, '0')}-${(long[1] as string).padStart(2, '0')}`;
}

// Plain decimal notation only: `Number()` alone would also take "0x1F", "0b11" and "" (as 0).
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A streams cell as a number; NaN when it is not a decimal number, which the schema rejects. */
export function streamsCell(cell: string): number {
  const text = cell.trim();
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** How an offending cell is quoted in an error message: enough to find it, never a whole novel. */
export function quoteCell(cell: string): string {
  const shown = cell.length > 60 ? `${cell.slice(0, 57)}...` : cell;
  return JSON.stringify(shown);
}
