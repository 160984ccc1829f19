/**
 * Labelled form controls that show their own validation message. A form wraps its fields in
 * <FieldErrors value={…}> (field name → message) and each field picks its message by name.
 */
import * as React from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { isoToWallTime, wallTimeToIso } from "~/lib/time-zone.ts";
import { cn } from "~/lib/utils.ts";
import { DateTimePicker } from "./ui/date-time-picker.tsx";
import { Input } from "./ui/input.tsx";
import { Label } from "./ui/label.tsx";
import { OptionSelect, type SelectOption } from "./ui/select.tsx";
import { Switch } from "./ui/switch.tsx";
import { Textarea } from "./ui/textarea.tsx";

const FieldErrorsContext = React.createContext<Record<string, string> | undefined>(undefined);

export function FieldErrors({ value, children }: { value: Record<string, string> | undefined; children: React.ReactNode }) {
  return <FieldErrorsContext.Provider value={value}>{children}</FieldErrorsContext.Provider>;
}

export function useFieldError(name: string): string | undefined {
  const errors = React.useContext(FieldErrorsContext);
  const { tServer } = useI18n();
  const message = errors?.[name];
  return message ? tServer(message) : undefined;
}

interface FieldShellProps {
  id: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  error?: string;
  className?: string;
  children: React.ReactNode;
}

function FieldShell({ id, label, hint, error, className, children }: FieldShellProps) {
  return (
    <div className={cn("grid content-start gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      {children}
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

function describedBy(id: string, hint: unknown, error: unknown) {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

type TextFieldProps = Omit<React.InputHTMLAttributes<HTMLInputElement>, "name"> & {
  name: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
};

export function TextField({ name, label, hint, className, ...props }: TextFieldProps) {
  const id = React.useId();
  const error = useFieldError(name);
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      <Input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...props} />
    </FieldShell>
  );
}

/**
 * A time of day typed as "HH:mm". Not the native time input: its AM/PM or 上午/下午 follow the
 * browser's locale, not the dashboard's language. "9:30" is written out as "09:30" on leaving
 * the field; the form schema checks the rest (form.timeOfDay).
 */
export function TimeField(props: Omit<TextFieldProps, "type">) {
  return (
    <TextField
      placeholder="HH:mm"
      inputMode="numeric"
      autoComplete="off"
      maxLength={5}
      onBlur={(event) => {
        const m = event.currentTarget.value.trim().match(/^(\d):(\d{2})$/);
        if (m) event.currentTarget.value = `0${m[1]}:${m[2]}`;
      }}
      {...props}
    />
  );
}

type TextareaFieldProps = Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "name"> & {
  name: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
};

export function TextareaField({ name, label, hint, className, ...props }: TextareaFieldProps) {
  const id = React.useId();
  const error = useFieldError(name);
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      <Textarea id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...props} />
    </FieldShell>
  );
}

interface SelectFieldProps {
  name: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  options: ReadonlyArray<SelectOption>;
  defaultValue?: string;
  value?: string;
  onValueChange?: (value: string) => void;
  disabled?: boolean;
  className?: string;
}

/** A labelled select of the component set; submits its value under `name` like a native select. */
export function SelectField({ name, label, hint, options, className, ...props }: SelectFieldProps) {
  const id = React.useId();
  const error = useFieldError(name);
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      <OptionSelect id={id} name={name} options={options} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...props} />
    </FieldShell>
  );
}

interface SwitchFieldProps {
  name: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  defaultChecked?: boolean;
  className?: string;
}

/** A switch with its label beside it; submits "on" when checked. */
export function SwitchField({ name, label, hint, defaultChecked, className }: SwitchFieldProps) {
  const id = React.useId();
  const error = useFieldError(name);
  return (
    <div className={cn("flex items-start gap-3", className)}>
      <Switch id={id} name={name} defaultChecked={defaultChecked} aria-describedby={describedBy(id, hint, error)} className="mt-0.5" />
      <div className="grid gap-1">
        <Label htmlFor={id}>{label}</Label>
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-muted-foreground">
            {hint}
          </p>
        ) : null}
        {error ? <p className="text-xs font-medium text-destructive">{error}</p> : null}
      </div>
    </div>
  );
}

/**
 * A date and time picked in the viewer's time zone, submitted as an ISO timestamp in a hidden
 * input (the server cannot know the viewer's zone). Typed as "YYYY-MM-DD HH:mm" or picked from
 * a calendar in the dashboard's language.
 */
export function DateTimeField({ name, label, hint, defaultValue, className }: { name: string; label: React.ReactNode; hint?: React.ReactNode; defaultValue?: string | null; className?: string }) {
  const id = React.useId();
  const error = useFieldError(name);
  const { timeZone, t } = useI18n();
  const [iso, setIso] = React.useState(defaultValue ?? "");
  const [invalid, setInvalid] = React.useState(false);
  const shownError = error ?? (invalid ? t("picker.invalid") : undefined);
  return (
    <FieldShell id={id} label={label} hint={hint} error={shownError} className={className}>
      <DateTimePicker
        id={id}
        defaultWall={isoToWallTime(defaultValue, timeZone)}
        onWallChange={(wall) => {
          setInvalid(wall === null);
          setIso(wall ? wallTimeToIso(wall, timeZone) : "");
        }}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy(id, hint, shownError)}
      />
      <input type="hidden" name={name} value={iso} />
    </FieldShell>
  );
}

/**
 * A day, "YYYY-MM-DD", typed or picked from a calendar in the dashboard's language, submitted as
 * it reads (a day in the hub's time zone, not an instant). The text field itself carries the
 * name, so a day typed before the page is hydrated is still sent.
 */
export function DateField({ name, label, hint, defaultValue, className }: { name: string; label: React.ReactNode; hint?: React.ReactNode; defaultValue?: string; className?: string }) {
  const id = React.useId();
  const error = useFieldError(name);
  const { t } = useI18n();
  const [invalid, setInvalid] = React.useState(false);
  const shownError = error ?? (invalid ? t("picker.invalidDay") : undefined);
  return (
    <FieldShell id={id} label={label} hint={hint} error={shownError} className={className}>
      <DateTimePicker
        id={id}
        name={name}
        dateOnly
        defaultWall={defaultValue ?? ""}
        onWallChange={(value) => setInvalid(value === null)}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy(id, hint, shownError)}
      />
    </FieldShell>
  );
}

/** A message for the whole form (not tied to one field). */
export function FormError({ message }: { message: string | undefined }) {
  const { tServer } = useI18n();
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 bg-red-50 px-3 py-2 text-sm text-destructive">
      {tServer(message)}
    </p>
  );
}
