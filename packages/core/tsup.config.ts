import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({
  entry: {
    index: "src/index.ts",
    transport: "src/transport/index.ts",
    testing: "src/testing/index.ts",
    "testing-conformance": "src/testing/conformance.ts",
  },
  external: ["vitest", "zod", "valibot"],
});
