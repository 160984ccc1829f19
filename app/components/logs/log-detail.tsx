/** Everything about one request: the fields, tokens and cost breakdown, and the routing decision chain. */
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { BLOCKED_BY_KEYS, codeLabel, errorTypeLabel, FILTER_WORD_KEYS } from "~/lib/hub-messages.ts";
import type { LogDetail as LogDetailData } from "~/lib/api-types.ts";
import { nanoToUsd, type CostBreakdownView, type DecisionChainView } from "~/lib/request-detail.ts";
import { Badge } from "../ui/badge.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { StatusCode } from "./status-code.tsx";

export interface LogDetailProps {
  log: Omit<LogDetailData, "decisionChain" | "costBreakdown">;
  chain: DecisionChainView | null;
  cost: CostBreakdownView | null;
  /**
   * An admin sees the whole decision chain. A member's chain comes stripped from the hub (no
   * candidates, groups or breakers); for them the section is just their attempts, without the
   * routing tables' empty frames (priority, weight, caller group) that would still describe it.
   */
  admin: boolean;
}

export function LogDetail({ log, chain, cost, admin }: LogDetailProps) {
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
      <RequestFields log={log} admin={admin} />
      <CostSection log={log} cost={cost} admin={admin} />
      <DecisionChainSection chain={chain} admin={admin} />
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="grid gap-2">
      <h3 className="text-sm font-semibold">{title}</h3>
      {children}
    </section>
  );
}

function RequestFields({ log, admin }: { log: LogDetailProps["log"]; admin: boolean }) {
  const { t, tm, fmt } = useI18n();
  const rows: Array<[MessageKey, React.ReactNode]> = [
    ["logs.requestId", <code key="id" className="break-all text-xs">{log.requestId}</code>],
    ["logs.time", fmt.dateTime(log.createdAt)],
    ["common.user", log.userName ?? "—"],
    ["logs.key", log.keyName ?? "—"],
    // A member's rows name no provider, only that an upstream answered (in their language).
    ["logs.provider", log.providerName === null ? "—" : admin ? log.providerName : t("logs.upstream")],
    ["logs.endpoint", <code key="endpoint" className="text-xs">{log.endpoint}</code>],
    ["logs.apiFormat", log.apiFormat],
    ["logs.conversion", log.conversion ?? "—"],
    ["logs.model", log.model ?? "—"],
    ["logs.redirectedModel", log.redirectedModel ?? "—"],
    ["logs.responseModel", log.responseModel ?? "—"],
    ["logs.streaming", log.isStream ? t("common.yes") : t("common.no")],
    ["logs.status", <StatusCode key="status" code={log.statusCode} />],
    ["logs.ttfb", fmt.duration(log.ttfbMs)],
    ["logs.duration", fmt.duration(log.durationMs)],
    ["logs.retries", fmt.integer(log.retryCount)],
    ["logs.session", log.sessionId ? <code key="session" className="break-all text-xs">{log.sessionId}</code> : "—"],
    ["logs.clientIp", log.clientIp ?? "—"],
    ["logs.userAgent", log.userAgent ?? "—"],
  ];
  // The code stays on hover: it is what the API, the CSV export and the filters carry.
  if (log.errorType) rows.push(["logs.errorType", <span key="errorType" title={log.errorType}>{errorTypeLabel(log.errorType, t)}</span>]);
  if (log.blockedBy) rows.push(["logs.blockedBy", <span key="blockedBy" title={log.blockedBy}>{codeLabel(log.blockedBy, t, BLOCKED_BY_KEYS)}</span>]);

  return (
    <Section title={t("logs.request")}>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        {rows.map(([label, value]) => (
          <div key={label} className="grid grid-cols-[9rem_1fr] gap-2">
            <dt className="text-muted-foreground">{t(label)}</dt>
            <dd className="min-w-0 break-words">{value}</dd>
          </div>
        ))}
      </dl>
      {log.errorMessage ? (
        <pre className="mt-2 max-h-40 overflow-auto whitespace-pre-wrap rounded-md border border-destructive/30 bg-red-50 p-3 text-xs text-destructive">
          {tm(log.errorMessage)}
        </pre>
      ) : null}
    </Section>
  );
}

function CostSection({ log, cost, admin }: { log: LogDetailProps["log"]; cost: CostBreakdownView | null; admin: boolean }) {
  const { t, fmt } = useI18n();
  const lines: Array<{ label: MessageKey; tokens: number; nano: number | undefined }> = [
    { label: "cost.input", tokens: log.inputTokens, nano: cost?.inputNano },
    { label: "cost.output", tokens: log.outputTokens, nano: cost?.outputNano },
    { label: "cost.cacheWrite5m", tokens: log.cacheCreation5mTokens, nano: cost?.cacheWrite5mNano },
    { label: "cost.cacheWrite1h", tokens: log.cacheCreation1hTokens, nano: cost?.cacheWrite1hNano },
    { label: "cost.cacheRead", tokens: log.cacheReadTokens, nano: cost?.cacheReadNano },
  ];
  return (
    <Section title={t("cost.title")}>
      {log.priceMissing ? <p className="text-sm text-amber-700 dark:text-amber-400">{t("cost.priceMissing")}</p> : null}
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>{t("cost.component")}</TableHead>
            <TableHead className="text-right">{t("cost.tokens")}</TableHead>
            <TableHead className="text-right">{t("cost.amount")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {lines.map((line) => (
            <TableRow key={line.label}>
              <TableCell>{t(line.label)}</TableCell>
              <TableCell className="text-right tabular-nums">{fmt.integer(line.tokens)}</TableCell>
              <TableCell className="text-right tabular-nums">{line.nano === undefined ? "—" : fmt.moneyExact(nanoToUsd(line.nano))}</TableCell>
            </TableRow>
          ))}
          {cost ? (
            <>
              <TableRow>
                <TableCell>{t("cost.base")}</TableCell>
                <TableCell />
                <TableCell className="text-right tabular-nums">{fmt.moneyExact(nanoToUsd(cost.baseNano))}</TableCell>
              </TableRow>
              <TableRow>
                {/* A member sees the factor, not which provider's and group's settings make it up. */}
                <TableCell colSpan={2}>{admin ? t("cost.multipliers", { provider: cost.providerMultiplier, group: cost.groupMultiplier }) : t("cost.memberMultiplier")}</TableCell>
                <TableCell className="text-right tabular-nums">× {cost.providerMultiplier * cost.groupMultiplier}</TableCell>
              </TableRow>
            </>
          ) : null}
          <TableRow className="font-semibold">
            <TableCell>{t("cost.total")}</TableCell>
            <TableCell />
            <TableCell className="text-right tabular-nums">{fmt.moneyExact(log.costUsd)}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
      {cost ? (
        <p className="text-xs text-muted-foreground">
          {t("cost.pricedAs", { model: cost.pricedAs })}
          {cost.tier ? ` · ${t("cost.tier", { tier: cost.tier })}` : ""}
        </p>
      ) : null}
    </Section>
  );
}

const ATTEMPT_REASONS: Record<string, MessageKey> = {
  initial: "chain.reasonInitial",
  session_reuse: "chain.reasonSessionReuse",
  retry: "chain.reasonRetry",
  failover: "chain.reasonFailover",
};

const BREAKER_STATES: Record<string, MessageKey> = { closed: "breaker.closed", open: "breaker.open", half_open: "breaker.halfOpen" };

function DecisionChainSection({ chain, admin }: { chain: DecisionChainView | null; admin: boolean }) {
  const { t, tm, fmt } = useI18n();
  if (!chain) {
    return (
      <Section title={t("chain.title")}>
        <p className="text-sm text-muted-foreground">{t("chain.none")}</p>
      </Section>
    );
  }
  return (
    <Section title={t("chain.title")}>
      <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        {admin ? (
          <p>
            <span className="text-muted-foreground">{t("chain.groups")}: </span>
            {chain.groups?.length ? chain.groups.join(", ") : t("common.defaultGroup")}
          </p>
        ) : null}
        {chain.session ? (
          <p>
            <span className="text-muted-foreground">{t("chain.session")}: </span>
            {chain.session.reused ? t("chain.sessionReused") : t("chain.sessionNew")} ({chain.session.source === "derived" ? t("chain.sessionDerived") : chain.session.source})
          </p>
        ) : null}
        {chain.filters?.length ? (
          <p>
            <span className="text-muted-foreground">{t("chain.requestFilters")}: </span>
            {chain.filters.map((f) => `${f.name} (${codeLabel(f.phase, t, FILTER_WORD_KEYS)}: ${t("chain.filterCounts", { applied: f.applied, skipped: f.skipped })}${f.skipReason ? ` — ${tm(f.skipReason)}` : ""})`).join("; ")}
          </p>
        ) : null}
        {chain.conversion ? (
          <p>
            <span className="text-muted-foreground">{t("logs.conversion")}: </span>
            {chain.conversion.label}
            {chain.conversion.dropped.length ? (
              <>
                {" — "}
                <span className="text-muted-foreground">{t("logs.conversionNotes")}: </span>
                {chain.conversion.dropped.join("; ")}
              </>
            ) : null}
          </p>
        ) : null}
      </div>

      {admin ? (
        <>
        <h4 className="mt-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{t("chain.candidates")}</h4>
        <Table aria-label={t("chain.candidates")}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("logs.provider")}</TableHead>
              <TableHead className="text-right">{t("providers.priority")}</TableHead>
              <TableHead className="text-right">{t("providers.weight")}</TableHead>
              <TableHead className="text-right">{t("chain.probability")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {chain.candidates.length === 0 ? <TableEmpty colSpan={4}>{t("chain.noCandidates")}</TableEmpty> : null}
            {chain.candidates.map((c) => (
              <TableRow key={c.id}>
                <TableCell className="font-medium">{c.name}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.integer(c.priority)}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.integer(c.weight)}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.percent(c.probability)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>

        <h4 className="mt-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{t("chain.filtered")}</h4>
        <Table aria-label={t("chain.filtered")}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("logs.provider")}</TableHead>
              <TableHead>{t("chain.reason")}</TableHead>
              <TableHead>{t("chain.detail")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {chain.filtered.length === 0 ? <TableEmpty colSpan={3}>{t("chain.noneFiltered")}</TableEmpty> : null}
            {chain.filtered.map((f) => (
              <TableRow key={f.id}>
                <TableCell className="font-medium">{f.name}</TableCell>
                <TableCell>
                  <Badge variant="outline" title={f.reason}>
                    {codeLabel(f.reason, t)}
                  </Badge>
                </TableCell>
                <TableCell className="text-muted-foreground">{f.detail ?? "—"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>

        </>
      ) : null}

      <h4 className="mt-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{t("chain.attempts")}</h4>
      <Table aria-label={t("chain.attempts")}>
        <TableHeader>
          <TableRow>
            <TableHead>#</TableHead>
            <TableHead>{t("logs.provider")}</TableHead>
            <TableHead>{t("chain.reason")}</TableHead>
            <TableHead>{t("logs.model")}</TableHead>
            <TableHead>{t("logs.status")}</TableHead>
            <TableHead className="text-right">{t("logs.duration")}</TableHead>
            {admin ? <TableHead>{t("chain.breaker")}</TableHead> : null}
            <TableHead>{t("chain.error")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {chain.attempts.length === 0 ? <TableEmpty colSpan={admin ? 8 : 7}>{t("chain.noAttempts")}</TableEmpty> : null}
          {chain.attempts.map((a, index) => (
            <TableRow key={index}>
              <TableCell className="tabular-nums">{index + 1}</TableCell>
              <TableCell className="font-medium">
                {admin ? a.providerName : t("logs.upstream")}
                {a.attempt > 1 ? <span className="ml-1 text-xs text-muted-foreground">({t("chain.attemptN", { n: a.attempt })})</span> : null}
              </TableCell>
              <TableCell>{ATTEMPT_REASONS[a.reason] ? t(ATTEMPT_REASONS[a.reason]) : a.reason}</TableCell>
              <TableCell className="font-mono text-xs">{a.model ?? "—"}</TableCell>
              <TableCell>
                <StatusCode code={a.statusCode} />
              </TableCell>
              <TableCell className="text-right tabular-nums">{fmt.duration(a.durationMs)}</TableCell>
              {admin ? <TableCell className="text-muted-foreground">{a.breakerState ? (BREAKER_STATES[a.breakerState] ? t(BREAKER_STATES[a.breakerState]) : a.breakerState) : "—"}</TableCell> : null}
              <TableCell className="max-w-[16rem] text-xs">
                {a.errorClass ? <span title={a.errorClass}>{codeLabel(a.errorClass, t)}</span> : "—"}
                {a.errorMessage ? <span className="block truncate text-muted-foreground" title={a.errorMessage}>{tm(a.errorMessage)}</span> : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}
