/**
 * A row of links that set one search parameter (period, split, dimension…), the current one
 * marked. Links rather than client state, so every view has a URL and works without scripts.
 */
import { Link, useSearchParams } from "@remix-run/react";
import { cn } from "~/lib/utils.ts";

export interface Segment {
  value: string;
  label: string;
}

export function SegmentedLinks({ param, value, segments, label, reset = [] }: { param: string; value: string; segments: Segment[]; label: string; reset?: string[] }) {
  const [params] = useSearchParams();
  return (
    <nav aria-label={label} className="inline-flex h-9 items-center rounded-lg bg-muted p-1 text-sm text-muted-foreground">
      {segments.map((s) => {
        const next = new URLSearchParams(params);
        next.set(param, s.value);
        for (const r of reset) next.delete(r);
        const current = s.value === value;
        return (
          <Link
            key={s.value}
            to={`?${next.toString()}`}
            aria-current={current ? "page" : undefined}
            preventScrollReset
            className={cn("rounded-md px-3 py-1 font-medium transition-colors", current ? "bg-background text-foreground shadow" : "hover:text-foreground")}
          >
            {s.label}
          </Link>
        );
      })}
    </nav>
  );
}
