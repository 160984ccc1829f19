/**
 * A time series as bars and lines (Recharts), on up to two value axes. The x labels are the
 * steps' start in the hub's time zone, as hours or as days.
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { useHydrated } from "~/lib/use-hydrated.ts";

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  kind: "bar" | "line";
  axis?: "left" | "right";
  /** Bars with the same stack id are stacked. */
  stack?: string;
}

// The first colour follows the theme (--chart-1 in tailwind.css): the others read on both backgrounds.
export const PALETTE = ["hsl(var(--chart-1))", "hsl(160 60% 40%)", "hsl(35 90% 50%)", "hsl(280 50% 50%)", "hsl(0 70% 55%)", "hsl(195 70% 45%)", "hsl(90 40% 45%)", "hsl(220 10% 60%)"];

export function TimeChart({
  data,
  series,
  timeZone,
  granularity,
  label,
  height = 260,
  format,
  formatRight,
  integer = false,
}: {
  data: Array<Record<string, number | string | null>>;
  series: ChartSeries[];
  timeZone: string;
  /** What a step is: the x labels show the time, the day, or both. */
  granularity: "minute" | "hour" | "day" | "dayhour";
  label: string;
  height?: number;
  format?: (v: number) => string;
  formatRight?: (v: number) => string;
  /** The left axis counts things (no fractional ticks). */
  integer?: boolean;
}) {
  const { locale } = useI18n();
  // ResponsiveContainer measures its box, which only exists in the browser.
  const hydrated = useHydrated();
  const tick = new Intl.DateTimeFormat(
    locale,
    granularity === "day"
      ? { timeZone, month: "2-digit", day: "2-digit" }
      : granularity === "dayhour"
        ? { timeZone, month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" }
        : { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  );
  const full = new Intl.DateTimeFormat(locale, { timeZone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const rows = data.map((d) => ({ ...d, label: tick.format(new Date(String(d.at))), full: full.format(new Date(String(d.at))) }));
  const right = series.some((s) => s.axis === "right");
  const byKey = new Map(series.map((s) => [s.key, s]));
  return (
    <figure aria-label={label} style={{ height }} className="w-full">
      {hydrated ? (
        <ResponsiveContainer width="100%" height={height}>
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} minTickGap={16} />
            <YAxis yAxisId="left" allowDecimals={!integer} tickLine={false} axisLine={false} fontSize={12} width={64} tickFormatter={format} />
            {right ? <YAxis yAxisId="right" orientation="right" tickLine={false} axisLine={false} fontSize={12} width={64} tickFormatter={formatRight} /> : null}
            <Tooltip
              labelFormatter={(_, payload) => String((payload?.[0]?.payload as { full?: string } | undefined)?.full ?? "")}
              formatter={(value, _name, item) => {
                const s = byKey.get(String(item.dataKey));
                const f = s?.axis === "right" ? formatRight : format;
                return f ? f(Number(value)) : String(value);
              }}
              cursor={{ fill: "hsl(var(--muted))" }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            {series.map((s) =>
              s.kind === "bar" ? (
                <Bar key={s.key} isAnimationActive={false} yAxisId={s.axis ?? "left"} dataKey={s.key} name={s.name} fill={s.color} stackId={s.stack} />
              ) : (
                <Line key={s.key} isAnimationActive={false} yAxisId={s.axis ?? "left"} dataKey={s.key} name={s.name} stroke={s.color} dot={false} strokeWidth={2} connectNulls />
              ),
            )}
          </ComposedChart>
        </ResponsiveContainer>
      ) : null}
    </figure>
  );
}

/** A legend entry's name in the text colour: the swatch carries the series colour, which is too light on white for amber. */
export function legendText(name: string) {
  return <span className="text-foreground">{name}</span>;
}
