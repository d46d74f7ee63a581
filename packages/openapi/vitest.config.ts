import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("openapi", import.meta.dirname);
