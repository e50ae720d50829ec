// The host page's script (embed.html): load the bundle, mount the widget into its own element.
// A module script runs after the document is parsed, so #checker exists.
import init, { mount, parseToken } from "./dt-token-checker.js";

await init();
// "" = this page's own origin: calls go to /api/ here, e.g. through a reverse proxy.
window.checker = mount(document.getElementById("checker"), { environment: "" });
window.parseTokenFromHost = parseToken;
