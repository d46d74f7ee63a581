/**
 * The example's config defaults: the lowest layer, under a config file
 * (`--config exam.toml`), `WEGO_*` environment variables and `--flags`.
 * Ports are the original's: HTTP 8341, gRPC 9341, WebSocket 8342 (the
 * routers' own defaults); every server binds 127.0.0.1 unless told otherwise.
 */
export const defaults = {
  grpc: { host: "127.0.0.1" },
  queue: { name: "exam" },
  exam: {
    /** How often the timer's heartbeat runs. */
    heartbeat: "10s",
  },
};

/** The routers a plain start runs (`--server` picks others); `command` runs only when asked for. */
export const defaultServers = ["grpc", "http", "queue", "websocket", "timer", "cron"];
