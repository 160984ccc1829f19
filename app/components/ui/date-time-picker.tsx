/**
 * A date and time typed as "YYYY-MM-DD HH:mm" or picked from a calendar drawn in the dashboard's
 * language. Replaces the native datetime-local, whose format and month names follow the
 * browser's locale rather than the language chosen in the dashboard. The calendar is drawn only
 * when opened (in the browser), so server and browser render the same field. With `dateOnly`
 * it is a day, "YYYY-MM-DD", replacing the native date input for the same reason.
 */
import { CalendarDays, ChevronLeft, ChevronRight } from "lucide-react";
import * as React from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { textToDay, textToWall, wallToText } from "~/lib/time-zone.ts";
import { cn } from "~/lib/utils.ts";
import { Button } from "./button.tsx";
import { Input } from "./input.tsx";

interface PickerProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, "defaultValue" | "onChange" | "value"> {
  /** "YYYY-MM-DDTHH:mm" or "". */
  defaultWall: string;
  /** "YYYY-MM-DDTHH:mm" (with `dateOnly`: "YYYY-MM-DD"), "" when empty, null when what is typed is not one. */
  onWallChange: (wall: string | null) => void;
  /** A day without a time of day. */
  dateOnly?: boolean;
}


export function DateTimePicker({ defaultWall, onWallChange, dateOnly = false, className, id, ...props }: PickerProps) {
  const { t } = useI18n();
  const parse = dateOnly ? textToDay : textToWall;
  const [text, setText] = React.useState(dateOnly ? defaultWall.slice(0, 10) : wallToText(defaultWall));
  const [open, setOpen] = React.useState(false);
  const box = React.useRef<HTMLDivElement>(null);
  const wall = parse(text);

  React.useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const set = (next: string) => {
    setText(next);
    onWallChange(parse(next));
  };

  return (
    <div ref={box} className={cn("relative", className)} onKeyDown={(e) => e.key === "Escape" && open && (e.stopPropagation(), setOpen(false))}>
      <div className="flex gap-1">
        <Input
          id={id}
          value={text}
          onChange={(e) => set(e.currentTarget.value)}
          // A day is submitted as typed (the field's own name): written out in full once it is valid.
          onBlur={dateOnly ? () => wall && wall !== text && setText(wall) : undefined}
          placeholder={dateOnly ? "YYYY-MM-DD" : "YYYY-MM-DD HH:mm"}
          inputMode="numeric"
          autoComplete="off"
          maxLength={dateOnly ? 10 : 16}
          aria-invalid={wall === null ? true : props["aria-invalid"]}
          {...props}
        />
        <Button type="button" variant="outline" size="icon" className="shrink-0" aria-label={t("picker.open")} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          <CalendarDays aria-hidden />
        </Button>
      </div>
      {open ? (
        <Calendar
          wall={wall || ""}
          onPick={(day) => {
            const time = wall ? wall.slice(11, 16) : "00:00";
            set(dateOnly ? day : `${day} ${time}`);
            setOpen(false);
          }}
          onClear={() => {
            set("");
            setOpen(false);
          }}
        />
      ) : null}
    </div>
  );
}

function Calendar({ wall, onPick, onClear }: { wall: string; onPick: (day: string) => void; onClear: () => void }) {
  const { t, locale, timeZone } = useI18n();
  const today = React.useMemo(() => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date()), [timeZone]);
  const selected = wall.slice(0, 10);
  const [month, setMonth] = React.useState(() => (selected || today).slice(0, 7));
  const [year, mon] = month.split("-").map(Number);
  const first = new Date(Date.UTC(year, mon - 1, 1));
  const daysInMonth = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  // Weeks start on Monday in both languages' usual calendars.
  const lead = (first.getUTCDay() + 6) % 7;
  const title = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long" }).format(first);
  const weekday = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "narrow" });
  const weekdays = Array.from({ length: 7 }, (_, i) => weekday.format(new Date(Date.UTC(2024, 0, 1 + i)))); // 2024-01-01 is a Monday
  const pad = (n: number) => String(n).padStart(2, "0");
  const shift = (delta: number) => {
    const d = new Date(Date.UTC(year, mon - 1 + delta, 1));
    setMonth(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`);
  };
  return (
    <div role="dialog" aria-label={t("picker.calendar")} className="absolute left-0 top-full z-50 mt-1 w-64 rounded-md border bg-popover p-3 text-popover-foreground shadow-md">
      <div className="mb-2 flex items-center justify-between">
        <Button type="button" variant="ghost" size="icon" className="size-7" aria-label={t("picker.previousMonth")} onClick={() => shift(-1)}>
          <ChevronLeft aria-hidden />
        </Button>
        <span className="text-sm font-medium" aria-live="polite">
          {title}
        </span>
        <Button type="button" variant="ghost" size="icon" className="size-7" aria-label={t("picker.nextMonth")} onClick={() => shift(1)}>
          <ChevronRight aria-hidden />
        </Button>
      </div>
      <div className="grid grid-cols-7 gap-1 text-center text-xs">
        {weekdays.map((w, i) => (
          <span key={i} className="text-muted-foreground" aria-hidden>
            {w}
          </span>
        ))}
        {Array.from({ length: lead }, (_, i) => (
          <span key={`lead-${i}`} />
        ))}
        {Array.from({ length: daysInMonth }, (_, i) => {
          const day = `${month}-${pad(i + 1)}`;
          return (
            <button
              key={day}
              type="button"
              onClick={() => onPick(day)}
              aria-pressed={day === selected}
              aria-label={new Intl.DateTimeFormat(locale, { timeZone: "UTC", dateStyle: "full" }).format(new Date(`${day}T00:00:00Z`))}
              className={cn(
                "h-7 rounded text-xs tabular-nums hover:bg-accent",
                day === selected && "bg-primary text-primary-foreground hover:bg-primary",
                day === today && day !== selected && "font-semibold underline",
              )}
            >
              {i + 1}
            </button>
          );
        })}
      </div>
      <div className="mt-2 flex justify-between">
        <Button type="button" variant="ghost" size="sm" onClick={() => onPick(today)}>
          {t("picker.today")}
        </Button>
        <Button type="button" variant="ghost" size="sm" onClick={onClear}>
          {t("picker.clear")}
        </Button>
      </div>
    </div>
  );
}
