/** The project's root directory (where package.json, .git and static/ are), from this file's place. */
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
