// The host page's script (embed.html), way 2: load the bundle, mount the widget into its own
// element. A module script runs after the document is parsed, so #checker exists.
// (Way 1, <dt-token-checker>, needs no script of the page: dt-token-checker-element.js.)
import init, { mount, parseToken } from "./dt-token-checker.js";

await init();
// "" = this page's own origin: calls go to /api/ here, e.g. through a reverse proxy.
window.checker = mount(document.getElementById("checker"), { environment: "" });
// Later: window.checker.update({ environment: "https://…", theme: "dark" }); window.checker.unmount();
window.parseTokenFromHost = parseToken;

// Both ways tell the page what happened; the detail never holds a secret.
for (const name of ["dt-token-parsed", "dt-token-checked", "dt-token-error"]) {
  document.addEventListener(name, (event) => console.info(name, event.detail));
}
