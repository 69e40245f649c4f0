// Build the portal's static assets into static/build/ (git-ignored, served by WhiteNoise):
// our SCSS compiled against nhsuk-frontend, NHS.UK frontend's JS and images, and axe-core
// for the browser tests. No CDN: everything comes from node_modules.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
const nhsuk = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const result = sass.compile(join(root, "static", "scss", "main.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "main.css"), result.css);

cpSync(join(root, "static", "js"), join(out, "js"), { recursive: true });
cpSync(join(nhsuk, "nhsuk-frontend.min.js"), join(out, "js", "nhsuk-frontend.min.js"));
cpSync(join(nhsuk, "assets"), join(out, "nhsuk", "assets"), { recursive: true });
console.log("assets built in static/build/");
