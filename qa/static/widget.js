// <archive-qa> — the archive's chat as a web component for a portal's page.
// The chat lives in an iframe inside the element's shadow root: nothing of the chat's styles or
// scripts reaches the host page, and nothing of the host's reaches the chat.
//   <script src="https://qa.example.org/widget.js" defer></script>
//   <archive-qa height="720"></archive-qa>
(() => {
  const origin = new URL(document.currentScript ? document.currentScript.src : location.href).origin;
  class ArchiveQa extends HTMLElement {
    static get observedAttributes() { return ["height", "src"]; }
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = ":host{display:block;contain:content} iframe{display:block;width:100%;border:0}";
      const frame = document.createElement("iframe");
      frame.title = "报纸档案问答";
      frame.setAttribute("part", "frame");
      root.append(style, frame);
      this.render();
    }
    attributeChangedCallback() { if (this.shadowRoot) this.render(); }
    render() {
      const frame = this.shadowRoot.querySelector("iframe");
      const height = parseInt(this.getAttribute("height") || "720", 10);
      frame.style.height = `${Number.isFinite(height) && height > 200 ? height : 720}px`;
      const src = new URL(this.getAttribute("src") || "/embed/", origin);
      if (src.origin === origin && frame.getAttribute("src") !== src.href) frame.setAttribute("src", src.href);
    }
  }
  if (!customElements.get("archive-qa")) customElements.define("archive-qa", ArchiveQa);
})();
