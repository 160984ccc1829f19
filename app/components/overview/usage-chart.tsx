/** Requests and cost per day (stats.overview series) as a bar chart. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { useHydrated } from "~/lib/use-hydrated.ts";

export interface DayPoint {
  day: string;
  requests: number;
  costUsd: number;
}

const HEIGHT = 280;

export function UsageChart({ series }: { series: DayPoint[] }) {
  const { t, fmt } = useI18n();
  // ResponsiveContainer measures its box, which only exists in the browser.
  const hydrated = useHydrated();
  const data = series.map((point) => ({ ...point, label: fmt.day(point.day) }));
  const requestsLabel = t("overview.requests");
  const costLabel = t("overview.cost");

  return (
    <figure aria-label={t("overview.chartTitle")} style={{ height: HEIGHT }} className="w-full">
      {hydrated ? (
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} />
            <YAxis yAxisId="requests" allowDecimals={false} tickLine={false} axisLine={false} fontSize={12} width={40} />
            <YAxis yAxisId="cost" orientation="right" tickLine={false} axisLine={false} fontSize={12} width={64} tickFormatter={(v: number) => fmt.money(v)} />
            <Tooltip
              formatter={(value, name) => (name === costLabel ? fmt.money(Number(value)) : fmt.integer(Number(value)))}
              cursor={{ fill: "hsl(var(--muted))" }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar isAnimationActive={false} yAxisId="requests" dataKey="requests" name={requestsLabel} fill="hsl(222 47% 31%)" radius={[4, 4, 0, 0]} />
            <Bar isAnimationActive={false} yAxisId="cost" dataKey="costUsd" name={costLabel} fill="hsl(160 60% 45%)" radius={[4, 4, 0, 0]} />
          </BarChart>
        </ResponsiveContainer>
      ) : null}
    </figure>
  );
}
