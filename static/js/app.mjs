// Starts NHS.UK frontend's components. Loaded as a module from base.html (no inline
// scripts: the Content Security Policy forbids them).
import { initAll } from "./nhsuk-frontend.min.js";
import "./idle-timeout.mjs";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
