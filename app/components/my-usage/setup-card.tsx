/**
 * Connecting a client to the hub: the base URL and ready-to-paste settings for Claude Code,
 * Codex CLI and Gemini CLI. The key itself is never shown again after creation (only its hash
 * is kept), so the snippets carry a placeholder the member replaces with their key.
 */
import { useI18n } from "~/i18n/use-i18n.ts";
import { CopyButton } from "../copy-button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../ui/tabs.tsx";

export const KEY_PLACEHOLDER = "<YOUR_API_KEY>";

/** The settings of each client (see docs/decisions/0023 for where they come from). */
export function clientSnippets(baseUrl: string) {
  return {
    "claude-code": JSON.stringify({ env: { ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_AUTH_TOKEN: KEY_PLACEHOLDER } }, null, 2),
    codex: [
      'model_provider = "hub"',
      "",
      "[model_providers.hub]",
      'name = "Claude Code Hub"',
      `base_url = "${baseUrl}/v1"`,
      'env_key = "HUB_API_KEY"',
      'wire_api = "responses"',
      "",
      `# export HUB_API_KEY=${KEY_PLACEHOLDER}`,
    ].join("\n"),
    gemini: [
      `export GOOGLE_GEMINI_BASE_URL=${baseUrl}`,
      `export GEMINI_API_KEY=${KEY_PLACEHOLDER}`,
      "",
      "# ~/.gemini/settings.json",
      JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } } }),
    ].join("\n"),
  } as const;
}

const CLIENTS = [
  { id: "claude-code", label: "Claude Code", file: "~/.claude/settings.json" },
  { id: "codex", label: "Codex CLI", file: "~/.codex/config.toml" },
  { id: "gemini", label: "Gemini CLI", file: "shell" },
] as const;

export function SetupCard({ baseUrl, keyName }: { baseUrl: string; keyName: string | null }) {
  const { t } = useI18n();
  const snippets = clientSnippets(baseUrl);
  return (
    <Card role="region" aria-labelledby="setup-title">
      <CardHeader>
        <CardTitle id="setup-title">{t("setup.title")}</CardTitle>
        <CardDescription>{keyName ? t("setup.hintNamed", { name: keyName, placeholder: KEY_PLACEHOLDER }) : t("setup.hint", { placeholder: KEY_PLACEHOLDER })}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div className="flex min-w-0 flex-wrap items-center gap-2 text-sm">
          <span className="text-muted-foreground">{t("setup.baseUrl")}</span>
          <code className="min-w-0 break-all rounded bg-muted px-2 py-1 font-mono text-xs">{baseUrl}</code>
          <CopyButton text={baseUrl} />
        </div>
        <Tabs defaultValue="claude-code">
          <TabsList aria-label={t("setup.clients")}>
            {CLIENTS.map((c) => (
              <TabsTrigger key={c.id} value={c.id}>
                {c.label}
              </TabsTrigger>
            ))}
          </TabsList>
          {CLIENTS.map((c) => (
            <TabsContent key={c.id} value={c.id} className="grid gap-2">
              <div className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
                <span>{c.file === "shell" ? t("setup.inShell") : t("setup.inFile", { file: c.file })}</span>
                <CopyButton text={snippets[c.id]} />
              </div>
              <pre className="max-w-full overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs">{snippets[c.id]}</pre>
            </TabsContent>
          ))}
        </Tabs>
      </CardContent>
    </Card>
  );
}
