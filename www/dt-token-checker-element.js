// <dt-token-checker>: the checker as a custom element. A host page imports this one module
// (from dist/, next to dt-token-checker.js) and writes
//   <dt-token-checker environment="https://abc12345.live.dynatrace.com" theme="dark" hide-settings></dt-token-checker>
// Attributes (all optional; changing one updates the running widget):
//   environment    where look-ups go ("" or absent: the host page's own origin, e.g. /api/ behind
//                  a reverse proxy); it replaces whatever was typed in the settings
//   theme          "light" or "dark"; absent: the system's
//   hide-settings  hide the environment and access-token panel: the host decides where calls go
// Events (bubbling and composed, so they leave the shadow root): dt-token-parsed,
// dt-token-checked, dt-token-error; see README.md, "The widget".
//
// The widget renders into an open shadow root, so the host page's CSS neither breaks it nor is
// broken by it. Its styles are styles.css, the page's own, loaded by a <link> inside the shadow
// root: a strict host policy allows it with `style-src 'self'` (or the checker's origin) and no
// 'unsafe-inline', it is one cached file shared with the page, and no build step copies CSS
// into JavaScript. (A constructable stylesheet would need the CSS text: fetched, which needs
// connect-src, or bundled here.) The widget is mounted once its stylesheet has loaded, so it
// never shows unstyled. Theming: CSS custom properties set on the element (README).
//
// Everything else is mount() (src/widget.rs): this element only maps attributes to its options,
// mounts when connected and unmounts when removed (which aborts the look-up in flight and drops
// every listener and timer); inserting it again mounts a fresh widget.
import init, { mount } from "./dt-token-checker.js";

// One WebAssembly instance for the document, however many elements.
const ready = init();
const stylesheet = new URL("styles.css", import.meta.url).href;

export class DtTokenChecker extends HTMLElement {
  static observedAttributes = ["environment", "theme", "hide-settings"];

  #handle = null;
  #container = document.createElement("div");
  #styled;
  // Bumped by every connect and disconnect: a mount that waited for the module or the
  // stylesheet goes ahead only if nothing happened to the element meanwhile.
  #generation = 0;

  constructor() {
    super();
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = stylesheet;
    // Properties, not onload= attributes: no inline script under the host's policy.
    this.#styled = new Promise((done) => {
      link.onload = link.onerror = () => {
        link.onload = link.onerror = null;
        done();
      };
    });
    this.attachShadow({ mode: "open" }).append(link, this.#container);
  }

  async connectedCallback() {
    const generation = ++this.#generation;
    await Promise.all([ready, this.#styled]);
    if (generation !== this.#generation || !this.isConnected) return;
    // mount() renders into a <div> of its own inside the container, and unmount() removes it.
    this.#handle = mount(this.#container, this.#options());
  }

  disconnectedCallback() {
    this.#generation++;
    if (this.#handle) {
      this.#handle.unmount();
      this.#handle.free();
      this.#handle = null;
    }
  }

  attributeChangedCallback() {
    this.#handle?.update(this.#options());
  }

  #options() {
    return {
      environment: this.getAttribute("environment") ?? undefined,
      theme: this.getAttribute("theme") ?? undefined,
      hideSettings: this.hasAttribute("hide-settings"),
    };
  }
}

if (!customElements.get("dt-token-checker")) customElements.define("dt-token-checker", DtTokenChecker);
export { mount };
