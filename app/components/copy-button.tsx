import { Check, Copy } from "lucide-react";
import * as React from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { Button } from "./ui/button.tsx";

/** Copies text to the clipboard and says so; falls back to selecting the text where the API is missing (plain HTTP). */
export function CopyButton({ text, fallbackTarget }: { text: string; fallbackTarget?: React.RefObject<HTMLInputElement> }) {
  const { t } = useI18n();
  const [state, setState] = React.useState<"idle" | "copied" | "manual">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // navigator.clipboard only exists on HTTPS and localhost.
      fallbackTarget?.current?.select();
      setState("manual");
    }
  }

  return (
    <div className="flex items-center gap-2">
      <Button type="button" variant="secondary" onClick={copy}>
        {state === "copied" ? <Check aria-hidden /> : <Copy aria-hidden />}
        {t("common.copy")}
      </Button>
      <span role="status" className="text-xs text-muted-foreground">
        {state === "copied" ? t("common.copied") : state === "manual" ? t("common.copyManually") : ""}
      </span>
    </div>
  );
}
