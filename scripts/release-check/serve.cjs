// The stranger's app of scripts/release-check.sh: core, HTTP, gRPC and
// WebSocket from the registry, one typed handler served on all three. app.mjs
// loads the packages with `import`, app.cjs with `require`, and both hand them
// here. Prints `listening <http port>` once started; drains and exits on SIGTERM.
module.exports = async function serve({ createApp, defineHandler }, { createHttpRouter }, { createGrpcRouter }, { createWsRouter }) {
  const app = createApp({ name: "stranger", handleSignals: true });
  const greet = defineHandler({ name: "greet", handle: (input) => ({ hello: input.name ?? "world" }) });
  app.handler(greet);
  const http = createHttpRouter({ port: 0 }).get("/hello/:name", greet);
  app.router("http", http);
  app.router("grpc", createGrpcRouter({ port: 0 }).route("Greet", "greet"));
  app.router("ws", createWsRouter({ attach: http }).route("greet", "greet"));
  await app.start();
  // undici (the HTTP client's) must not load for an app that only serves.
  const undici = Object.keys(require.cache).some((f) => f.includes("/undici/"));
  console.log(`listening ${http.port} undici=${undici ? "loaded" : "not-loaded"}`);
};
