/** Ports and secrets of the e2e run, shared by playwright.config.ts and the specs. */
// E2E_PORT_BASE moves both, so two runs (e.g. two worktrees) can share a machine.
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 18630);
export const HUB_PORT = PORT_BASE + 2;
/** The hub that dashboard-fit.spec starts for itself (its own data). */
export const FIT_HUB_PORT = PORT_BASE + 15;
export const FAKE_UPSTREAM_PORT = PORT_BASE + 1;
export const HUB_URL = `http://127.0.0.1:${HUB_PORT}`;
export const FAKE_UPSTREAM_URL = `http://127.0.0.1:${FAKE_UPSTREAM_PORT}`;
export const ADMIN_TOKEN = "e2e-admin-token";
