// The release check's app as an ES module: the packages through `import`.
import * as core from "@wego/core";
import * as grpc from "@wego/grpc";
import * as http from "@wego/http";
import * as ws from "@wego/ws";
import serve from "./serve.cjs";

await serve(core, http, grpc, ws);
