import { Badge, type BadgeProps } from "../ui/badge.tsx";

/** The HTTP status in a colour a reader can scan: green success, amber client error / limit, red server error. */
export function StatusCode({ code }: { code: number | null | undefined }) {
  if (code === null || code === undefined) return <Badge variant="muted">—</Badge>;
  let variant: BadgeProps["variant"] = "muted";
  if (code >= 200 && code < 300) variant = "success";
  else if (code >= 300 && code < 400) variant = "secondary";
  else if (code >= 400 && code < 500) variant = "warning";
  else if (code >= 500) variant = "danger";
  return (
    <Badge variant={variant} className="font-mono tabular-nums">
      {code}
    </Badge>
  );
}
