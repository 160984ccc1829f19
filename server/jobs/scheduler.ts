/**
 * Runs the hub's daily jobs (price sync, log cleanup) at the time of day the admin set, in the
 * system time zone, once per day across all instances (decision 0019).
 *
 * Every instance ticks (twice a minute); when a job's planned instant has passed, the instance
 * tries to take the store lock `job:<name>:<instant>`. The lock names the occurrence, not the
 * job, and is never released (it expires after LOCK_TTL_MS): an instance that ticks late, after
 * the winner has already finished, still finds it taken, so the job runs once per occurrence.
 * An occurrence missed while no instance was running is not caught up; the next one runs.
 *
 * Each run's start, end, result and the next planned instant are kept in job_runs for the
 * settings page. Time comes from `now`, so tests drive the clock and call tick() themselves.
 */
import type { Db } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { nextOccurrence } from "./schedule.ts";

export type JobName = "price-sync" | "log-cleanup";

export interface ScheduledJob {
  name: JobName;
  /** When the job runs ("HH:MM" in `timeZone`), or null while it is switched off. */
  schedule(): { time: string; timeZone: string } | null;
  /** Does the work; resolves to a one-line summary, throws when it failed. */
  run(now: number): Promise<string>;
}

export interface JobRunView {
  name: JobName;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastStatus: "ok" | "failed" | null;
  lastMessage: string | null;
  nextRunAt: string | null;
}

export interface JobSchedulerDeps {
  db: Db;
  store: Pick<Store, "tryLock">;
  logger: Logger;
  now: () => number;
  /** Told of every finished run (notifications: a failed price sync is a system problem). */
  onFinished?: (run: { name: JobName; status: "ok" | "failed"; message: string; startedAt: number }) => void;
}

/** How long an occurrence's lock lives: far longer than instances' ticks are apart, far shorter than a day. */
export const LOCK_TTL_MS = 6 * 3_600_000;
const TICK_MS = 30_000;
const MESSAGE_LIMIT = 1000;

interface Plan {
  /** time|zone the plan was made for; a change of either re-plans. */
  key: string;
  nextRunAt: number;
}

export class JobScheduler {
  private readonly plans = new Map<JobName, Plan | null>();
  private readonly running = new Map<JobName, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: JobSchedulerDeps,
    private readonly jobs: ScheduledJob[],
  ) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Stops planning new runs and waits (up to timeoutMs) for a run under way. */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const under = [...this.running.values()];
    if (under.length) await Promise.race([Promise.allSettled(under), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /**
   * Plans each job and runs those whose instant has come (if this instance wins the
   * occurrence's lock). Resolves when the runs it started have finished; returns their names.
   */
  async tick(): Promise<JobName[]> {
    const now = this.deps.now();
    const started: Array<Promise<void>> = [];
    const names: JobName[] = [];
    for (const job of this.jobs) {
      try {
        const begun = await this.consider(job, now);
        if (begun) {
          names.push(job.name);
          started.push(begun.run);
        }
      } catch (error) {
        // A schedule that cannot be read or planned (a bad time or zone written around the
        // validation) stops this job only, and says so.
        this.deps.logger.error({ job: job.name, err: (error as Error).message }, "scheduled job could not be planned");
      }
    }
    await Promise.all(started);
    return names;
  }

  /** Plans one job; starts it and returns its run when its instant has come and the lock is ours. */
  private async consider(job: ScheduledJob, now: number): Promise<{ run: Promise<void> } | undefined> {
    const schedule = job.schedule();
    const plan = this.plans.get(job.name);
    if (!schedule) {
      if (plan !== null) {
        this.plans.set(job.name, null);
        await this.save(job.name, { nextRunAt: null });
      }
      return undefined;
    }
    const key = `${schedule.time}|${schedule.timeZone}`;
    if (!plan || plan.key !== key) {
      const nextRunAt = nextOccurrence(now, schedule.time, schedule.timeZone);
      this.plans.set(job.name, { key, nextRunAt });
      await this.save(job.name, { nextRunAt: new Date(nextRunAt) });
      return undefined;
    }
    if (now < plan.nextRunAt || this.running.has(job.name)) return undefined;
    const occurrence = plan.nextRunAt;
    plan.nextRunAt = nextOccurrence(now, schedule.time, schedule.timeZone);
    let token: string | null;
    try {
      token = await this.deps.store.tryLock(`job:${job.name}:${occurrence}`, LOCK_TTL_MS, now);
    } catch (error) {
      // Without the lock we cannot know that no other instance runs it: skip this occurrence.
      this.deps.logger.error({ job: job.name, err: (error as Error).message }, "scheduled job skipped: the store is unreachable, so its lock could not be taken");
      await this.save(job.name, { nextRunAt: new Date(plan.nextRunAt) });
      return undefined;
    }
    if (!token) {
      await this.save(job.name, { nextRunAt: new Date(plan.nextRunAt) });
      return undefined; // another instance runs this occurrence
    }
    // Wrapped: an async function returning the run's promise would wait for the run itself.
    return { run: this.execute(job, now, plan.nextRunAt) };
  }

  /** Runs a job now, outside its schedule (the unpriced-model trigger); recorded like any run. */
  runNow(name: JobName): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown job ${name}`);
    if (this.running.has(name)) return this.running.get(name)!;
    const plan = this.plans.get(name);
    return this.execute(job, this.deps.now(), plan ? plan.nextRunAt : null);
  }

  private execute(job: ScheduledJob, now: number, nextRunAt: number | null): Promise<void> {
    const run = (async () => {
      await this.save(job.name, { lastStartedAt: new Date(now), nextRunAt: nextRunAt === null ? null : new Date(nextRunAt) });
      let status: "ok" | "failed";
      let message: string;
      try {
        message = await job.run(now);
        status = "ok";
        this.deps.logger.info({ job: job.name, result: message }, "scheduled job done");
      } catch (error) {
        message = (error as Error).message;
        status = "failed";
        this.deps.logger.warn({ job: job.name, err: message }, "scheduled job failed");
      }
      await this.save(job.name, { lastFinishedAt: new Date(this.deps.now()), lastStatus: status, lastMessage: message.slice(0, MESSAGE_LIMIT) });
      this.deps.onFinished?.({ name: job.name, status, message, startedAt: now });
    })().finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  private async save(
    name: JobName,
    fields: { lastStartedAt?: Date; lastFinishedAt?: Date; lastStatus?: string; lastMessage?: string; nextRunAt?: Date | null },
  ): Promise<void> {
    try {
      await this.deps.db.jobRun.upsert({ where: { name }, create: { name, ...fields }, update: fields });
    } catch (error) {
      // The job's outcome is logged either way; only the settings page misses it.
      this.deps.logger.warn({ job: name, err: (error as Error).message }, "scheduled job: its run could not be recorded");
    }
  }
}

/**
 * Every job's last run and next run, for the settings page (jobs never run yet included). The
 * next run is computed from the schedules as they are now, so a change shows at once (the
 * stored next_run_at follows at the scheduler's next tick).
 */
export async function listJobRuns(
  db: Db,
  schedules: Record<JobName, { time: string; timeZone: string } | null>,
  now: number,
): Promise<JobRunView[]> {
  const rows = new Map((await db.jobRun.findMany()).map((r) => [r.name, r]));
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  return (Object.keys(schedules) as JobName[]).map((name) => {
    const row = rows.get(name);
    const schedule = schedules[name];
    return {
      name,
      lastStartedAt: iso(row?.lastStartedAt),
      lastFinishedAt: iso(row?.lastFinishedAt),
      lastStatus: row?.lastStatus === "ok" || row?.lastStatus === "failed" ? row.lastStatus : null,
      lastMessage: row?.lastMessage ?? null,
      nextRunAt: schedule ? new Date(nextOccurrence(now, schedule.time, schedule.timeZone)).toISOString() : null,
    };
  });
}
