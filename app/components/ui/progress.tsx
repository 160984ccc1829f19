import { cn } from "~/lib/utils.ts";
import { toneOf } from "~/lib/quota-math.ts";

export interface ProgressProps {
  /** 0..1 of what is settled (spent); values above 1 fill the bar and turn it red. */
  ratio: number;
  /** 0..1 held by requests in flight, drawn after `ratio` in a lighter shade. */
  pendingRatio?: number;
  /** The accessible name, e.g. "Daily limit". */
  label: string;
  /** What a screen reader says instead of a bare percentage, e.g. "$1.75 of $10.00". */
  valueText: string;
  className?: string;
}

const TONE = { ok: "bg-primary", warn: "bg-amber-500", over: "bg-red-500" } as const;

/** A horizontal bar for use against a limit: neutral below 80 %, amber from 80 %, red at the limit (spent and in flight together). */
export function Progress({ ratio, pendingRatio = 0, label, valueText, className }: ProgressProps) {
  const safe = Number.isFinite(ratio) ? Math.max(0, ratio) : 0;
  const pending = Number.isFinite(pendingRatio) ? Math.max(0, pendingRatio) : 0;
  const spentPercent = Math.min(100, safe * 100);
  const pendingPercent = Math.min(100 - spentPercent, pending * 100);
  const tone = toneOf(safe + pending);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.min(100, Math.round((safe + pending) * 100))}
      aria-valuetext={valueText}
      data-tone={tone}
      className={cn("flex h-2 w-full overflow-hidden rounded-full bg-muted", className)}
    >
      <div className={cn("h-full transition-all", TONE[tone])} style={{ width: `${spentPercent}%` }} />
      {pendingPercent > 0 ? <div className={cn("h-full opacity-40 transition-all", TONE[tone])} style={{ width: `${pendingPercent}%` }} /> : null}
    </div>
  );
}
