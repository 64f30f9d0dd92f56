/** RFC 3339 `date-time` (section 5.6): full date, `T`, full time with seconds and an offset. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leapYear ? 29 : DAYS_IN_MONTH[month - 1];
}

/**
 * The instant an RFC 3339 date-time names, or null when the text is not one: the grammar exactly
 * (no date without a time, no space for `T`; lower-case `t` and `z` are allowed, as RFC 3339
 * says), and the calendar checked (`2026-02-30` is no date, where `new Date` reads March 2).
 * A leap second (`23:59:60` in UTC, the only minute that may have one) is read as the instant it
 * ends, the next minute's first, as PostgreSQL reads it: neither it nor JavaScript can represent
 * it. Digits past milliseconds are dropped.
 */
export function parseRfc3339(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const [offsetHours, offsetMins] = [Number(m[10]), Number(m[11])];
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(hour, minute, Math.min(second, 59), millis);
  const instant = date.getTime() - offsetMinutes * 60_000;
  if (second < 60) return new Date(instant);
  const utc = new Date(instant);
  if (utc.getUTCHours() !== 23 || utc.getUTCMinutes() !== 59) return null;
  return new Date(instant - millis + 1000);
}
