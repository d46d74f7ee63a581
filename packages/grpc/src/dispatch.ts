import type { IncomingMessage, ServerResponse } from "node:http";
import type { IncomingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { admitRequest, releaseAdmission } from "./admission.js";
import type { UnaryBinding } from "./call.js";
import type { Cors } from "./cors.js";
import { grpcError } from "./grpc-errors.js";
import { isPlainGrpc, refuseGrpc, serveGrpcUnary, type UnaryLimits } from "./grpc-unary.js";
import { type ServeOptions, serveUniversal } from "./stream-adapter.js";

/** The two entry points `listen` feeds: every HTTP/2 stream and every HTTP/1.1 request. */
export interface Dispatch {
  onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
  onRequest(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Where each call goes: a plain gRPC unary call of a known method takes the
 * lean path; an unknown gRPC method is UNIMPLEMENTED at once (refused through
 * the dispatcher); everything else (gRPC-Web, Connect, compressed, `+json` or
 * streaming gRPC, HTTP/1.1) goes to connect's handler for its path. Both
 * paths admit a call to the dispatcher when its headers arrive, so the drain
 * serves it. CORS, when configured, answers preflights and decorates the
 * browser protocols' responses.
 */
export function createDispatch(
  unary: ReadonlyMap<string, UnaryBinding>,
  handlers: ReadonlyMap<string, UniversalHandler>,
  serving: UnaryLimits & ServeOptions,
  cors: Cors | undefined,
): Dispatch {
  const handlerOf = (path: string): UniversalHandler | undefined => {
    const q = path.indexOf("?");
    return handlers.get(q === -1 ? path : path.slice(0, q));
  };
  return {
    onStream(stream, headers) {
      const path = headers[":path"] ?? "";
      if (isPlainGrpc(headers)) {
        const b = unary.get(path);
        if (b !== undefined) return serveGrpcUnary(stream, headers, b, serving);
        if (!handlers.has(path)) {
          stream.on("error", ignore);
          return refuseGrpc(stream, headers, grpcError("WEGO_ERR_GRPC_METHOD_UNIMPLEMENTED", path), serving);
        }
      }
      let extra: Record<string, string> | undefined;
      if (cors !== undefined) {
        const origin = headers.origin;
        if (headers[":method"] === "OPTIONS" && headers["access-control-request-method"] !== undefined) {
          stream.on("error", ignore);
          stream.respond({ ":status": 204, ...cors.preflight(origin) }, { endStream: true });
          return;
        }
        extra = cors.actual(origin);
      }
      const h = handlerOf(path);
      if (h === undefined) {
        stream.on("error", ignore);
        stream.respond({ ":status": 404, ...extra }, { endStream: true });
        return;
      }
      serveUniversal(stream, headers, h, serving, extra);
    },

    onRequest(req, res) {
      if (cors !== undefined) {
        const origin = req.headers.origin;
        if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
          res.writeHead(204, cors.preflight(origin)).end();
          return;
        }
        const extra = cors.actual(origin);
        if (extra !== undefined) for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
      }
      const h = handlerOf(req.url ?? "");
      if (h === undefined) {
        res.writeHead(404).end();
        return;
      }
      // Answered before the whole request arrived (e.g. too large): the
      // connection cannot be reused, close it once the answer is out.
      const socket = req.socket;
      res.once("finish", () => {
        if (!req.complete) socket.end(() => socket.destroy());
      });
      const { admission, values } = admitRequest(serving.dispatcher);
      res.once("close", () => releaseAdmission(serving.dispatcher, admission));
      h(universalRequestFromNodeRequest(req, res, undefined, values))
        .then((r) => universalResponseToNodeResponse(r, res))
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500).end();
          if (ConnectError.from(err).code !== Code.Aborted) serving.onError(err);
        });
    },
  };
}

function ignore(): void {}
