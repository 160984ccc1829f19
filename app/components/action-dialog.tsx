/**
 * A dialog holding one form that posts to the page's action with an `intent`. It shows field
 * and form errors from the ActionResult, and closes on success, or shows `renderSuccess`
 * instead (e.g. a new API key that is displayed once).
 */
import { useFetcher } from "@remix-run/react";
import * as React from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { cn } from "~/lib/utils.ts";
import { FieldErrors, FormError } from "./form-field.tsx";
import { Button } from "./ui/button.tsx";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "./ui/dialog.tsx";

export interface ActionDialogProps<T> {
  /** The element that opens the dialog (usually a Button). */
  trigger: React.ReactElement;
  title: string;
  description: string;
  intent: string;
  submitLabel: string;
  destructive?: boolean;
  /** Values posted with the form, such as the id of the row. */
  hidden?: Record<string, string | number>;
  /** Form fields. */
  children?: React.ReactNode;
  /** Shown in place of the form after success; without it, the dialog closes. */
  renderSuccess?: (result: T, close: () => void) => React.ReactNode;
  className?: string;
}

export function ActionDialog<T = unknown>(props: ActionDialogProps<T>) {
  const [open, setOpen] = React.useState(false);
  const [locked, setLocked] = React.useState(false);
  const close = React.useCallback(() => setOpen(false), []);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent
        className={props.className}
        // A result shown once (a new key) must not vanish on a stray click outside.
        onInteractOutside={(event) => locked && event.preventDefault()}
      >
        {/* Mounted only while open, so each opening starts with a fresh fetcher and form. */}
        <ActionDialogBody {...props} close={close} onLock={setLocked} />
      </DialogContent>
    </Dialog>
  );
}

function ActionDialogBody<T>({
  title,
  description,
  intent,
  submitLabel,
  destructive,
  hidden,
  children,
  renderSuccess,
  close,
  onLock,
}: ActionDialogProps<T> & { close: () => void; onLock: (locked: boolean) => void }) {
  const { t } = useI18n();
  const fetcher = useFetcher<ActionResult<T>>();
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const succeeded = result?.ok === true && result.intent === intent ? result : undefined;
  const failed = result?.ok === false && result.intent === intent ? result : undefined;

  React.useEffect(() => {
    if (!succeeded) return;
    if (renderSuccess) onLock(true);
    else close();
    return () => onLock(false);
  }, [succeeded, renderSuccess, close, onLock]);

  if (succeeded && renderSuccess) return <>{renderSuccess(succeeded.result, close)}</>;

  return (
    <>
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>
      <fetcher.Form method="post" className="grid gap-4" noValidate>
        <input type="hidden" name="intent" value={intent} />
        {hidden ? Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
        <FormError message={failed?.formError} />
        <FieldErrors value={failed?.fieldErrors}>{children}</FieldErrors>
        <DialogFooter className={cn(children ? "pt-2" : undefined)}>
          <Button type="button" variant="outline" onClick={close}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" variant={destructive ? "destructive" : "default"} disabled={fetcher.state !== "idle"}>
            {fetcher.state !== "idle" ? t("common.saving") : submitLabel}
          </Button>
        </DialogFooter>
      </fetcher.Form>
    </>
  );
}
