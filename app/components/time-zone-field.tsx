/**
 * A time-zone field you can search: type part of a zone ("shang", "new york", "+08") and pick it
 * from the list (arrow keys and Enter, or a click). It stays a plain text input named like the
 * setting, so the form submits without JavaScript and a typed zone is still validated by the hub.
 */
import * as React from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { matchZones, offsetOf } from "~/lib/time-zone.ts";
import { cn } from "~/lib/utils.ts";
import { useFieldError } from "./form-field.tsx";
import { Input } from "./ui/input.tsx";
import { Label } from "./ui/label.tsx";

export function TimeZoneField({ name, label, hint, defaultValue, zones }: { name: string; label: string; hint?: string; defaultValue: string; zones: readonly string[] }) {
  const { t } = useI18n();
  const error = useFieldError(name);
  const id = React.useId();
  const listId = `${id}-list`;
  const [value, setValue] = React.useState(defaultValue);
  const [open, setOpen] = React.useState(false);
  const [active, setActive] = React.useState(0);
  const matches = React.useMemo(() => (open ? matchZones(zones, value === defaultValue ? "" : value) : []), [open, zones, value, defaultValue]);

  const pick = (zone: string) => {
    setValue(zone);
    setOpen(false);
  };

  return (
    <div className="relative grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        name={name}
        value={value}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${listId}-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        autoComplete="off"
        maxLength={100}
        onChange={(e) => {
          setValue(e.currentTarget.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, Math.max(0, matches.length - 1)));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && open && matches[active]) {
            e.preventDefault();
            pick(matches[active]);
          } else if (e.key === "Escape" && open) {
            e.stopPropagation();
            setOpen(false);
          }
        }}
      />
      {open ? (
        <ul id={listId} role="listbox" aria-label={label} className="absolute left-0 right-0 top-full z-50 mt-1 max-h-64 overflow-y-auto rounded-md border bg-popover p-1 text-sm shadow-md">
          {matches.length === 0 ? <li className="px-2 py-1.5 text-muted-foreground">{t("tz.noMatch")}</li> : null}
          {matches.map((zone, i) => (
            <li
              key={zone}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(zone);
              }}
              className={cn("flex cursor-pointer justify-between gap-3 rounded px-2 py-1.5", i === active && "bg-accent text-accent-foreground")}
            >
              <span className="truncate">{zone.replace(/_/g, " ")}</span>
              <span className="shrink-0 text-xs text-muted-foreground">{offsetOf(zone)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
