// Dates of birth as French people type them: 12/04/1978, 12-04-1978,
// 12.04.1978, 12 04 1978, 12041978 or 1978-04-12. The API wants AAAA-MM-JJ.

/**
 * toISODate returns the date typed as "AAAA-MM-JJ", or "" when it is not a
 * real calendar date in a form we know.
 * @param {string} typed
 */
export function toISODate(typed) {
  const s = (typed || '').trim();
  let m = /^(\d{1,2})\D+(\d{1,2})\D+(\d{4})$/.exec(s) || /^(\d{2})(\d{2})(\d{4})$/.exec(s);
  let day;
  let month;
  let year;
  if (m) {
    [, day, month, year] = m.map(Number);
  } else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) {
    [, year, month, day] = m.map(Number);
  } else {
    return '';
  }
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return '';
  }
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
