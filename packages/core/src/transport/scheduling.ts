/** Node's setTimeout overflows past 2^31-1 ms (~24.8 days) and fires at once: longer waits are chained. */
const MAX_TIMEOUT = 2_147_483_647;

/**
 * A one-shot timer set for an absolute time on a clock: what a scheduling
 * transport (cron, timer) arms for each route's next run.
 */
export interface Alarm {
  /** When it fires (ms since epoch on its clock), or undefined when it is not set or has fired. */
  readonly at: number | undefined;
  /** Fire at `at` (a time already past fires on the next turn), replacing any time set before. */
  set(at: number): void;
  /** Cancel; nothing fires until the next `set`. */
  clear(): void;
}

/**
 * An {@link Alarm} calling `fire(at)` once `now()` has reached `at`. Unlike a
 * bare `setTimeout` it never fires early: waits longer than Node's timer
 * limit are chained, and when the timer goes off before the clock reads `at`
 * (a wall clock stepped back, a test clock that runs ahead or behind) it
 * waits again for the rest. `fire` gets the time it was set for, not the
 * moment it ran, so schedules can key on it.
 *
 * @example
 * const alarm = createAlarm((at) => runTick(at), options.now);
 * alarm.set(schedule.next(Date.now()));
 * // on stop:
 * alarm.clear();
 */
export function createAlarm(fire: (at: number) => void, now: () => number = Date.now): Alarm {
  let at: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const wait = (): void => {
    timer = setTimeout(check, Math.min(Math.max(0, (at as number) - now()), MAX_TIMEOUT));
  };

  function check(): void {
    timer = undefined;
    if (at === undefined) return;
    if (now() < at) {
      wait();
      return;
    }
    const due = at;
    at = undefined;
    fire(due);
  }

  return {
    get at() {
      return at;
    },
    set(time) {
      clearTimeout(timer);
      at = time;
      wait();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      at = undefined;
    },
  };
}
