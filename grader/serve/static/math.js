// Renders the TeX the server kept in span.math.inline / div.math.block (escaped text) with the
// self-hosted KaTeX. katex.render builds the DOM itself (no innerHTML, styles through the CSSOM),
// so it works under the app's CSP and the TeX is never parsed as HTML; without JavaScript the
// TeX stays readable as typed.
(function () {
  "use strict";
  function render() {
    if (!window.katex) return;
    var nodes = document.querySelectorAll("span.math, div.math");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      try {
        window.katex.render(node.textContent, node, {
          displayMode: node.tagName === "DIV", // $$...$$, alone or inside a sentence
          throwOnError: false,
          trust: false,
          strict: "ignore",
          maxSize: 20,
          maxExpand: 200
        });
      } catch (error) {
        // leave the TeX as text
      }
    }
  }
  document.addEventListener("DOMContentLoaded", render);
})();
