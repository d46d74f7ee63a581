import { CronTime } from "cron";
import { cronError } from "./cron-errors.js";

/** A parsed cron spec in a time zone: when it fires next. */
export interface CronSchedule {
  readonly spec: string;
  readonly timezone: string;
  /** The first fire time strictly after `afterMs`, in ms since epoch (always a whole second). */
  next(afterMs: number): number;
}

function checkTimezone(timezone: string, route: string): void {
  try {
    // Intl knows every IANA zone luxon knows; it throws RangeError otherwise.
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch (err) {
    throw cronError.with({ cause: err })("WEGO_ERR_CRON_TIMEZONE_INVALID", route, timezone);
  }
}

/**
 * Parse `spec` (six fields with seconds first, or the classic five) for
 * `timezone`, failing with a message that names the route. The `cron`
 * package does the parsing and the calendar arithmetic (DST included).
 */
export function compileSchedule(spec: string, timezone: string, route: string): CronSchedule {
  checkTimezone(timezone, route);
  let time: CronTime;
  try {
    time = new CronTime(spec, timezone);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw cronError.with({ cause: err })("WEGO_ERR_CRON_SPEC_INVALID", route, spec, why);
  }
  if (typeof time.source !== "string") {
    throw cronError("WEGO_ERR_CRON_SPEC_INVALID", route, spec, "a cron expression is needed, not a date");
  }
  return {
    spec,
    timezone,
    next(afterMs) {
      return time.getNextDateFrom(new Date(afterMs), timezone).toMillis();
    },
  };
}
