import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("create-wego", import.meta.dirname);
