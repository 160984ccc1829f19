/**
 * Money arithmetic. Hot state and sums are integer nano-USD (1e-9 USD); the database keeps
 * Decimal(20, 9) — the same quantity — and nothing in between is ever a float sum.
 */

export const NANO_PER_USD = 1_000_000_000;

/** "12.5" | 12.5 | Decimal-like → integer nano-USD (rounded half away from zero). */
export function usdToNano(value: string | number | { toString(): string } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const text = typeof value === "number" ? value.toFixed(9) : value.toString();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal amount: ${text}`);
  const [, sign, whole = "", frac = ""] = match;
  const digits = (frac + "0000000000").slice(0, 10);
  let nano = Number(whole || "0") * NANO_PER_USD + Number(digits.slice(0, 9));
  if (Number(digits[9]) >= 5) nano += 1;
  return sign === "-" ? -nano : nano;
}

/** Integer nano-USD → exact decimal string with 9 places, e.g. 1234 → "0.000001234". */
export function nanoToDecimal(nano: number): string {
  const sign = nano < 0 ? "-" : "";
  const abs = Math.abs(Math.round(nano));
  const whole = Math.floor(abs / NANO_PER_USD);
  const frac = String(abs % NANO_PER_USD).padStart(9, "0");
  return `${sign}${whole}.${frac}`;
}

/** Nano-USD as a display number in USD (for APIs and UIs, never for sums). */
export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}
