import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("redis", import.meta.dirname);
