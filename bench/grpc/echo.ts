// The method every server in this bench serves: wego.testing.v1.EchoService/Echo
// (EchoRequest{msg, n} → EchoResponse{msg, n + 1}), from @wego/grpc's test
// proto. Every server and the client use protobuf-es for the messages, so
// the transports differ and the codec does not.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { EchoRequestSchema, EchoResponseSchema, EchoService } from "../../packages/grpc/src/gen/wego/testing/v1/echo_pb.ts";
import { HandleRequestSchema, HandleResponseSchema } from "../../packages/grpc/src/gen/wego/v1/wego_pb.ts";

export { EchoService };

export const echoPath = "/wego.testing.v1.EchoService/Echo";
export const handlePath = "/wego.v1.WegoService/Handle";

export const codec = {
  encodeEchoRequest: (msg: string, n: number) =>
    Buffer.from(toBinary(EchoRequestSchema, { $typeName: "wego.testing.v1.EchoRequest", msg, n, blob: new Uint8Array(0) })),
  decodeEchoRequest: (b: Uint8Array) => fromBinary(EchoRequestSchema, b),
  encodeEchoResponse: (msg: string, n: number) =>
    Buffer.from(toBinary(EchoResponseSchema, { $typeName: "wego.testing.v1.EchoResponse", msg, n, blob: new Uint8Array(0) })),
  decodeEchoResponse: (b: Uint8Array) => fromBinary(EchoResponseSchema, b),
  encodeHandleRequest: (route: string, payload: string) =>
    Buffer.from(toBinary(HandleRequestSchema, { $typeName: "wego.v1.HandleRequest", route, payload, requestId: "" })),
  decodeHandleResponse: (b: Uint8Array) => fromBinary(HandleResponseSchema, b),
};
