/*
 * Renders LaTeX with the vendored KaTeX (static/vendor/katex) inside every element marked
 * `data-math`: on page load, and again in content that htmx swaps in. Only marked elements are
 * touched, so a "$" elsewhere on the page stays a dollar sign. Errors in an author's LaTeX are
 * shown in red in place (throwOnError: false) instead of breaking the page.
 */
(function () {
  "use strict";

  var OPTIONS = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
      { left: "$", right: "$", display: false }
    ],
    throwOnError: false,
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "input"]
  };

  function render(root) {
    if (typeof window.renderMathInElement !== "function" || !root) {
      return;
    }
    var targets = [];
    if (root.matches && root.matches("[data-math]")) {
      targets.push(root);
    }
    if (root.querySelectorAll) {
      targets = targets.concat(Array.prototype.slice.call(root.querySelectorAll("[data-math]")));
    }
    targets.forEach(function (element) {
      window.renderMathInElement(element, OPTIONS);
    });
  }

  window.calcuingoRenderMath = render;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document.body); });
  } else {
    render(document.body);
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    render(event.detail && event.detail.target);
  });
})();
