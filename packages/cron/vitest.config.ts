import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("cron", import.meta.dirname);
