// The AsyncAPI document of the WebSocket and queue routes, checked by @asyncapi/parser.
import { Parser } from "@asyncapi/parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asyncApiDocument } from "./asyncapi.js";
import { docsApp } from "./test-app.js";

let s: ReturnType<typeof docsApp>;
// biome-ignore lint/suspicious/noExplicitAny: a JSON document, read by path
let doc: Record<string, any>;
beforeAll(async () => {
  s = docsApp();
  await s.app.start();
  doc = (await (await fetch(`http://127.0.0.1:${s.http.port}/docs/asyncapi.json`)).json()) as typeof doc;
});
afterAll(() => s.app.stop());

describe("the AsyncAPI document at /docs/asyncapi.json", () => {
  it("passes @asyncapi/parser without errors", async () => {
    const diagnostics = await new Parser().validate(doc as Parameters<Parser["validate"]>[0]);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`)).toEqual([]);
    expect(doc.asyncapi).toBe("3.0.0");
  });

  it("describes each WebSocket route's request frame and reply from the handler's schemas", () => {
    const messages = doc.channels.ws.messages;
    expect(doc.channels.ws.address).toBe("/ws");
    expect(messages["greet.request"].payload.properties.route).toEqual({ const: "greet" });
    expect(messages["greet.request"].payload.properties.data.properties.name).toMatchObject({ type: "string", minLength: 1 });
    expect(messages["greet.reply"].payload.properties.data.oneOf[0].properties.greeting).toEqual({ type: "string" });
    expect(messages["user.get.request"].payload.properties.data.required).toEqual(["id"]);
    expect(doc.operations.greet).toMatchObject({ action: "send", reply: { messages: [{ $ref: "#/channels/ws/messages/greet.reply" }] } });
  });

  it("describes each queue route's job", () => {
    expect(doc.channels["queue.greet"].address).toBe("wego/greet");
    expect(doc.channels["queue.greet"].messages.job.payload.properties.lang).toMatchObject({ enum: ["en", "zh"] });
    expect(doc.channels["queue.ping"].messages.job.payload).toEqual({});
  });

  it("is valid with no routes at all", async () => {
    expect((await new Parser().validate(asyncApiDocument({}))).filter((d) => d.severity === 0)).toEqual([]);
  });
});
