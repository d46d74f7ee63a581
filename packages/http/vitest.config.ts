import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("http", import.meta.dirname);
