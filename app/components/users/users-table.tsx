/** Users with their role, status and key count; admins get edit and delete. */
import { Link } from "@remix-run/react";
import { KeyRound, Pencil, Trash2 } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { UserRow } from "~/lib/api-types.ts";
import { cn } from "~/lib/utils.ts";
import { ActionDialog } from "../action-dialog.tsx";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { UserFields } from "./user-fields.tsx";

interface UsersTableProps {
  users: UserRow[];
  selectedId: number | null;
  isAdmin: boolean;
  groups: string[];
  now: number;
}

export function UsersTable({ users, selectedId, isAdmin, groups, now }: UsersTableProps) {
  const { t, fmt } = useI18n();
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("users.name")}</TableHead>
          <TableHead>{t("users.role")}</TableHead>
          <TableHead>{t("common.status")}</TableHead>
          <TableHead>{t("users.keys")}</TableHead>
          <TableHead>{t("common.providerGroup")}</TableHead>
          <TableHead>{t("common.createdAt")}</TableHead>
          {isAdmin ? <TableHead className="text-right">{t("common.actions")}</TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {users.length === 0 ? <TableEmpty colSpan={isAdmin ? 7 : 6}>{t("users.empty")}</TableEmpty> : null}
        {users.map((user) => (
          <TableRow key={user.id} data-state={user.id === selectedId ? "selected" : undefined}>
            <TableCell>
              <div className="font-medium">{user.name}</div>
              {user.description ? <div className="max-w-xs truncate text-xs text-muted-foreground">{user.description}</div> : null}
              {user.tags.length ? (
                <div className="mt-1 flex flex-wrap gap-1">
                  {user.tags.map((tag) => (
                    <Badge key={tag} variant="outline">
                      {tag}
                    </Badge>
                  ))}
                </div>
              ) : null}
            </TableCell>
            <TableCell>
              <Badge variant={user.role === "admin" ? "default" : "secondary"}>{user.role === "admin" ? t("role.admin") : t("role.user")}</Badge>
            </TableCell>
            <TableCell>
              <StatusBadge enabled={user.isEnabled} expiresAt={user.expiresAt} now={now} />
            </TableCell>
            <TableCell>
              <Button asChild variant={user.id === selectedId ? "secondary" : "ghost"} size="sm">
                <Link to={`?user=${user.id}`} preventScrollReset aria-label={t("users.showKeysOf", { name: user.name })}>
                  <KeyRound aria-hidden />
                  {fmt.integer(user.keyCount)}
                </Link>
              </Button>
            </TableCell>
            <TableCell className={cn(!user.providerGroup && "text-muted-foreground")}>{user.providerGroup ?? t("common.defaultGroup")}</TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">{fmt.date(user.createdAt)}</TableCell>
            {isAdmin ? (
              <TableCell>
                <div className="flex justify-end gap-1">
                  <ActionDialog
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={t("users.editNamed", { name: user.name })}>
                        <Pencil aria-hidden />
                      </Button>
                    }
                    title={t("users.editTitle")}
                    description={t("users.editDescription", { name: user.name })}
                    intent="user-update"
                    hidden={{ id: user.id }}
                    submitLabel={t("common.save")}
                  >
                    <UserFields user={user} groups={groups} />
                  </ActionDialog>
                  <ActionDialog
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={t("users.deleteNamed", { name: user.name })}>
                        <Trash2 aria-hidden />
                      </Button>
                    }
                    title={t("users.deleteTitle")}
                    description={t("users.deleteDescription", { name: user.name })}
                    intent="user-delete"
                    hidden={{ id: user.id }}
                    submitLabel={t("common.delete")}
                    destructive
                  />
                </div>
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
