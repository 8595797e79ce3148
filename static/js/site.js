/*
 * Site-wide behaviour, on top of pages that work without it: the main menu closes with Escape,
 * on a click outside it, and when the screen grows past the phone layout.
 */
(function () {
  "use strict";

  var menu = document.querySelector("[data-nav-menu]");
  if (!menu) {
    return;
  }
  var toggle = menu.querySelector("summary");

  function close(returnFocus) {
    if (!menu.open) {
      return;
    }
    menu.open = false;
    if (returnFocus && toggle) {
      toggle.focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && menu.contains(document.activeElement)) {
      close(true);
    }
  });

  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) {
      close(false);
    }
  });

  var wide = window.matchMedia("(min-width: 64rem)");
  function onResize() {
    if (wide.matches) {
      close(false);
    }
  }
  if (wide.addEventListener) {
    wide.addEventListener("change", onResize);
  }
})();
