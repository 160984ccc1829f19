/**
 * Runs the fake upstream as a standalone process (Playwright webServer, manual runs):
 *
 *   node --import tsx e2e/fake-upstream/cli.ts --port 18001 [--host 127.0.0.1]
 *
 * Prints the base URL on stdout once listening; exits cleanly on SIGTERM/SIGINT. Drive it with
 * the `x-fake-behaviour` request header or the `/__fake/*` control API.
 */
import { startFakeUpstream } from './index.ts';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const portText = option('port') ?? process.env.FAKE_UPSTREAM_PORT ?? '18001';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${portText}`);
  process.exit(2);
}

const fake = await startFakeUpstream({ port, host: option('host') ?? process.env.FAKE_UPSTREAM_HOST });
console.log(fake.url);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  fake.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`[fake-upstream] error while closing after ${signal}`, err);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
