import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("core", import.meta.dirname);
