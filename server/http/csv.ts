/**
 * CSV cells for spreadsheets (RFC 4180), safe to open: a text cell that a spreadsheet would
 * read as a formula (=, +, -, @, or a leading tab or carriage return) gets a leading apostrophe,
 * so a model name or an error message a client chose cannot run anything (OWASP "CSV
 * injection"). Numbers are written as numbers and never prefixed.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell: formula-neutralised, then quoted when it holds a separator, quote or line break. */
export function textCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function numberCell(value: number | bigint | string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return String(value);
}

export function csvLine(cells: string[]): string {
  return cells.join(",") + "\r\n";
}
