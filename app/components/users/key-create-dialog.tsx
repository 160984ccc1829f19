/** Creates an API key; the full key comes back once and is shown here with a copy button. */
import { Plus, TriangleAlert } from "lucide-react";
import * as React from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { ActionDialog } from "../action-dialog.tsx";
import { CopyButton } from "../copy-button.tsx";
import { Alert, AlertDescription, AlertTitle } from "../ui/alert.tsx";
import { Button } from "../ui/button.tsx";
import { DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "../ui/dialog.tsx";
import { Input } from "../ui/input.tsx";
import { Label } from "../ui/label.tsx";
import { KeyFields } from "./key-fields.tsx";

export interface CreatedKey {
  name: string;
  key: string;
}

export function KeyCreateDialog({ userId, userName, groups }: { userId: number; userName: string; groups: string[] }) {
  const { t } = useI18n();
  return (
    <ActionDialog<CreatedKey>
      trigger={
        <Button size="sm">
          <Plus aria-hidden />
          {t("keys.new")}
        </Button>
      }
      title={t("keys.createTitle")}
      description={t("keys.createDescription", { name: userName })}
      intent="key-create"
      hidden={{ userId }}
      submitLabel={t("common.create")}
      renderSuccess={(created, close) => <NewKeyReveal created={created} onDone={close} />}
    >
      <KeyFields groups={groups} />
    </ActionDialog>
  );
}

function NewKeyReveal({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const { t } = useI18n();
  const inputRef = React.useRef<HTMLInputElement>(null);
  return (
    <>
      <DialogHeader>
        <DialogTitle>{t("keys.createdTitle")}</DialogTitle>
        <DialogDescription>{t("keys.createdDescription", { name: created.name })}</DialogDescription>
      </DialogHeader>
      <Alert variant="warning">
        <TriangleAlert aria-hidden />
        <AlertTitle>{t("keys.onceTitle")}</AlertTitle>
        <AlertDescription>{t("keys.onceBody")}</AlertDescription>
      </Alert>
      <div className="grid gap-1.5">
        <Label htmlFor="new-api-key">{t("keys.newKeyLabel")}</Label>
        <Input id="new-api-key" ref={inputRef} readOnly value={created.key} className="font-mono" onFocus={(event) => event.currentTarget.select()} />
      </div>
      <DialogFooter className="items-center sm:justify-between">
        <CopyButton text={created.key} fallbackTarget={inputRef} />
        <Button type="button" onClick={onDone}>
          {t("keys.savedIt")}
        </Button>
      </DialogFooter>
    </>
  );
}
