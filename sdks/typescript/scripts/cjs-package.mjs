// dist/cjs holds CommonJS while the package says "type": "module": mark the folder so Node
// loads its .js files as CommonJS.
import { writeFileSync } from "node:fs";
writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), '{ "type": "commonjs" }\n');
