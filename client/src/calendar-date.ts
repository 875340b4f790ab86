/**
 * Calendar dates (a song's `releasedOn`) as the days they are. The API sends them as "YYYY-MM-DD"
 * strings; turning one into a `Date` and formatting it in local time would show the day before
 * anywhere west of UTC, so these helpers only ever format in UTC.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The "YYYY-MM-DD" form of a calendar date. A string is returned as it is once checked; a `Date`
 * (older servers sent one at 00:00 UTC) is read as its UTC day, as the API reads Date inputs.
 */
export function calendarDateString(value: string | Date): string {
  if (typeof value === 'string') {
    if (!ISO_DATE.test(value)) throw new RangeError(`not a "YYYY-MM-DD" calendar date: ${value}`);
    return value;
  }
  const year = String(value.getUTCFullYear()).padStart(4, '0');
  const month = String(value.getUTCMonth() + 1).padStart(2, '0');
  const day = String(value.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/**
 * A calendar date for display, e.g. `formatCalendarDate('2007-05-21', 'en-US')` is "May 21, 2007"
 * in every time zone. `options` are Intl's (default `{ dateStyle: 'medium' }`); the time zone is
 * always UTC, which is what keeps the day from moving.
 */
export function formatCalendarDate(
  value: string | Date,
  locales?: string | readonly string[],
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
): string {
  const [year, month, day] = calendarDateString(value).split('-').map(Number) as [number, number, number];
  const utcDay = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 19xx.
  utcDay.setUTCFullYear(year, month - 1, day);
  return new Intl.DateTimeFormat(locales as string[] | undefined, { ...options, timeZone: 'UTC' }).format(
    utcDay,
  );
}
