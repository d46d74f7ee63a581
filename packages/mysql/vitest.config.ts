import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("mysql", import.meta.dirname);
