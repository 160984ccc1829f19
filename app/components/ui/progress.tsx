import { cn } from "~/lib/utils.ts";

export interface ProgressProps {
  /** 0..1; values above 1 fill the bar and turn it red. */
  ratio: number;
  /** The accessible name, e.g. "Daily limit". */
  label: string;
  /** What a screen reader says instead of a bare percentage, e.g. "$1.75 of $10.00". */
  valueText: string;
  className?: string;
}

/** A horizontal bar for use against a limit: neutral below 80 %, amber from 80 %, red at the limit. */
export function Progress({ ratio, label, valueText, className }: ProgressProps) {
  const safe = Number.isFinite(ratio) ? Math.max(0, ratio) : 0;
  const percent = Math.min(100, Math.round(safe * 100));
  const tone = safe >= 1 ? "bg-red-500" : safe >= 0.8 ? "bg-amber-500" : "bg-primary";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={valueText}
      className={cn("h-2 w-full overflow-hidden rounded-full bg-muted", className)}
    >
      <div className={cn("h-full rounded-full transition-all", tone)} style={{ width: `${percent}%` }} />
    </div>
  );
}
