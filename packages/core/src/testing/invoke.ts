import type { App } from "../app.js";
import type { Meta } from "../context.js";
import { WegoError } from "../errors/wego-error.js";
import type { Endpoint } from "../filter.js";

export interface InvokeOptions {
  meta?: Meta;
  id?: string;
  transport?: string;
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * Call a handler in memory, as a transport would, with no socket: the result,
 * or a rejected WegoError (whatever the handler threw, normalised).
 */
export async function invoke(app: App, target: string | Endpoint, input?: unknown, options: InvokeOptions = {}): Promise<unknown> {
  try {
    return await app.invoke(target, { transport: options.transport ?? "memory", request: input, ...options });
  } catch (err) {
    throw WegoError.from(err);
  }
}

/** Call a handler in memory and render the app's envelope, success or failure. */
export async function invokeEnvelope(app: App, target: string | Endpoint, input?: unknown, options: InvokeOptions = {}): Promise<unknown> {
  const id = options.id ?? `mem-${Math.random().toString(36).slice(2, 10)}`;
  try {
    return app.envelope.ok(await invoke(app, target, input, { ...options, id }), { id });
  } catch (err) {
    return app.envelope.error(WegoError.from(err), { id }, !app.production);
  }
}
