// NestJS 12 on Fastify, decorators applied by hand (plain JS, no compile step).
import "reflect-metadata";
import { Body, Controller, Get, HttpCode, Module, Param, Post } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";

class HelloController {
  hello(name) {
    void name;
    return { hello: "world" };
  }
  echo(body) {
    return body;
  }
}
const proto = HelloController.prototype;
const method = (name, ...decorators) => {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  for (const dec of decorators) dec(proto, name, d);
  Object.defineProperty(proto, name, d);
};
Param("name")(proto, "hello", 0);
method("hello", Get("/hello/:name"));
Body()(proto, "echo", 0);
method("echo", Post("/echo"), HttpCode(200));
Controller()(HelloController);

class AppModule {}
Module({ controllers: [HelloController] })(AppModule);

const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
await app.listen(Number(process.env.PORT), "127.0.0.1");
process.send?.("ready");
