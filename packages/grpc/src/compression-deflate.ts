import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Compression } from "@connectrpc/connect/protocol";

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);

/**
 * gRPC's `deflate` message encoding (zlib format, as grpc-js's compression
 * algorithm 1 sends it), for connect's `acceptCompression`: connect-node ships
 * gzip and br only, and a stock client with deflate on would be refused.
 * Decompression is bounded by the router's `readMaxBytes`.
 */
export const compressionDeflate: Compression = {
  name: "deflate",
  async compress(bytes) {
    return new Uint8Array(await deflate(bytes));
  },
  async decompress(bytes, readMaxBytes) {
    if (bytes.length === 0) return new Uint8Array(0);
    try {
      return new Uint8Array(await inflate(bytes, { maxOutputLength: readMaxBytes }));
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
        throw new ConnectError(
          `message is larger than configured readMaxBytes ${readMaxBytes} after decompression`,
          Code.ResourceExhausted,
        );
      throw new ConnectError("decompression failed", Code.InvalidArgument);
    }
  },
};
