// The release check's app as CommonJS: the ESM packages through `require` (require(esm), Node >= 22.12).
const serve = require("./serve.cjs");

serve(require("@wego/core"), require("@wego/http"), require("@wego/grpc"), require("@wego/ws"));
