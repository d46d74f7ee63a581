// Footprint: what a stranger installs and how fast a "hello" server first
// answers, for wego (@wego/core + @wego/http), Fastify, Hono on
// @hono/node-server and NestJS on Fastify, side by side.
//
//   node bench/footprint/run.mjs [--rounds 11]     (run `pnpm build` first)
//
// Each framework is installed with npm into its own fresh temp dir: wego from
// tarballs packed from this workspace (`pnpm pack`, as published), the others
// from the registry at the versions below. Install size = packages under
// node_modules, their bytes (`du -sb`) and the disk blocks they take
// (`du -sk`). Cold start = spawn `node server.mjs` until the first HTTP 200
// on GET /hello (polled every 2 ms), the frameworks in a different order each
// round, medians over the rounds.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] || 11);
const work = mkdtempSync(join(tmpdir(), "wego-footprint-"));
const PORT = 18_341;

const servers = {
  wego: {
    deps: () => ["@wego/core", "@wego/http"].map((name) => pack(name)),
    code: `import { createApp } from "@wego/core";
import { createHttpRouter } from "@wego/http";
const app = createApp({ name: "hello" });
app.router("http", createHttpRouter({ port: ${PORT} }).get("/hello", async () => ({ hello: "world" })));
await app.start();`,
  },
  fastify: {
    deps: () => ["fastify@5.12.8"],
    code: `import Fastify from "fastify";
const app = Fastify();
app.get("/hello", async () => ({ hello: "world" }));
await app.listen({ port: ${PORT}, host: "127.0.0.1" });`,
  },
  hono: {
    deps: () => ["hono@4.13.23", "@hono/node-server@2.1.11"],
    code: `import { serve } from "@hono/node-server";
import { Hono } from "hono";
const app = new Hono();
app.get("/hello", (c) => c.json({ hello: "world" }));
serve({ fetch: app.fetch, port: ${PORT}, hostname: "127.0.0.1" });`,
  },
  "nest-fastify": {
    deps: () => ["@nestjs/core@12.6.3", "@nestjs/common@12.6.3", "@nestjs/platform-fastify@12.5.0", "reflect-metadata@0.2.2", "rxjs@7.8.2"],
    // Decorators applied by hand: plain JavaScript, no compiler in the measurement.
    code: `import "reflect-metadata";
import { Controller, Get, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
class Hello { hello() { return { hello: "world" }; } }
Reflect.decorate([Get("hello")], Hello.prototype, "hello", Object.getOwnPropertyDescriptor(Hello.prototype, "hello"));
Controller()(Hello);
class AppModule {}
Module({ controllers: [Hello] })(AppModule);
const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
await app.listen(${PORT}, "127.0.0.1");`,
  },
};

const tarballs = join(work, "tarballs");
function pack(name) {
  const dir = join(root, "packages", name.replace("@wego/", ""));
  mkdirSync(tarballs, { recursive: true });
  const out = execFileSync("pnpm", ["pack", "--pack-destination", tarballs], { cwd: dir, encoding: "utf8" });
  return out.trim().split("\n").pop();
}

function countPackages(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    if (entry.name.startsWith("@")) {
      n += countPackages(join(dir, entry.name));
      continue;
    }
    n++;
    const nested = join(dir, entry.name, "node_modules");
    try {
      n += countPackages(nested);
    } catch {}
  }
  return n;
}

const sizes = {};
for (const [name, s] of Object.entries(servers)) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `footprint-${name}`, private: true, type: "module" }));
  writeFileSync(join(dir, "server.mjs"), `${s.code}\n`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--omit=dev", ...s.deps()], { cwd: dir, stdio: "ignore" });
  const du = (flag) => Number(execFileSync("du", [flag, join(dir, "node_modules")], { encoding: "utf8" }).split("\t")[0]);
  sizes[name] = { packages: countPackages(join(dir, "node_modules")), mb: du("-sb") / 1e6, disk: (du("-sk") * 1024) / 1e6 };
  console.log(`${name}: ${sizes[name].packages} packages, ${sizes[name].mb.toFixed(1)} MB (${sizes[name].disk.toFixed(1)} MB on disk)`);
}

/** ms from spawn to the first 200 on GET /hello. */
async function coldStart(name) {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["server.mjs"], { cwd: join(work, name), stdio: "ignore" });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${PORT}/hello`);
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
      } catch {}
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill("SIGKILL");
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
  }
}

const names = Object.keys(servers);
const times = Object.fromEntries(names.map((n) => [n, []]));
for (const n of names) await coldStart(n); // one warm-up each: file cache, not module caches (new processes)
for (let r = 0; r < rounds; r++) {
  const order = names.map((_, i) => names[(i + r) % names.length]);
  for (const n of order) times[n].push(await coldStart(n));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`\nnode ${process.version}, ${rounds} rounds, medians (ratio to Fastify)\n`);
console.log("| framework | packages | node_modules MB (files) | MB on disk (blocks) | cold start to first answer, ms (min–max) |");
console.log("| --- | ---: | ---: | ---: | ---: |");
const f = { mb: sizes.fastify.mb, disk: sizes.fastify.disk, ms: median(times.fastify) };
for (const n of names) {
  const ms = median(times[n]);
  const range = `${Math.min(...times[n]).toFixed(0)}–${Math.max(...times[n]).toFixed(0)}`;
  console.log(
    `| ${n} | ${sizes[n].packages} | ${sizes[n].mb.toFixed(1)} (${(sizes[n].mb / f.mb).toFixed(2)}×) | ${sizes[n].disk.toFixed(1)} (${(sizes[n].disk / f.disk).toFixed(2)}×) | ${ms.toFixed(0)} (${(ms / f.ms).toFixed(2)}×, ${range}) |`,
  );
}
rmSync(work, { recursive: true, force: true });
