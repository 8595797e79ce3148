/*
 * The lesson player's behaviour, on top of forms that work without it:
 * - times each answer: `response_ms` is set when the answer form is first submitted, counted
 *   from when the question was shown (a second click sends the same form, so the server's
 *   idempotency key answers it once, and is blocked here anyway);
 * - the on-screen keypad types into the answer box;
 * - "interpreted as": expression answers are previewed as LaTeX by POST /api/v1/math/preview;
 * - the drill countdown, which reloads the card when time is up.
 * Everything is set up on page load and again on content htmx swaps in (`htmx:load`).
 */
(function () {
  "use strict";

  var PREVIEW_DELAY_MS = 250;

  function each(root, selector, callback) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches(selector)) {
      callback(root);
    }
    Array.prototype.forEach.call(root.querySelectorAll(selector), callback);
  }

  function csrfToken(element) {
    var form = element.closest("form");
    var input = (form || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Response time ------------------------------------------------------------------------

  function setUpTimer(form) {
    form.dataset.shownAt = String(performance.now());
  }

  // Capture phase, on the document: runs before htmx's own submit handler on the form, so the
  // time is in the request whichever way the form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-answer-form]")) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var field = form.querySelector("input[name=response_ms]");
    if (field && !field.value && form.dataset.shownAt) {
      field.value = String(Math.max(1, Math.round(performance.now() - Number(form.dataset.shownAt))));
    }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
  }, true);

  // A request that failed (network, server error) may be sent again, with the same key.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.matches && form.matches("form[data-answer-form]") && !event.detail.successful) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
    }
  });

  // --- Keypad -------------------------------------------------------------------------------

  function setUpKeypad(keypad) {
    var input = document.getElementById(keypad.dataset.keypadFor);
    if (!input) {
      return;
    }
    var method = input.form && input.form.querySelector("input[name=input_method]");
    keypad.hidden = false;
    // The keypad replaces the phone's own keyboard, which would cover it (a physical keyboard
    // still types).
    input.setAttribute("inputmode", "none");
    keypad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) {
        return;
      }
      var start = input.selectionStart === null ? input.value.length : input.selectionStart;
      var end = input.selectionEnd === null ? input.value.length : input.selectionEnd;
      if (key.dataset.key === "backspace") {
        if (start === end && start > 0) {
          start -= 1;
        }
        input.setRangeText("", start, end, "end");
      } else {
        input.setRangeText(key.dataset.key, start, end, "end");
      }
      if (method) {
        method.value = "keypad";
      }
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
  }

  // --- "Interpreted as" preview -------------------------------------------------------------

  function setUpPreview(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var output = box && box.querySelector("output");
    if (!output) {
      return;
    }
    var timer = null;
    var latest = 0;

    function show(body) {
      box.hidden = false;
      box.classList.toggle("preview--error", !body.valid);
      if (body.valid && window.katex) {
        window.katex.render(body.latex, output, { throwOnError: false });
      } else if (body.valid) {
        output.textContent = body.latex;
      } else {
        output.textContent = body.error || "This cannot be read yet.";
      }
    }

    function ask() {
      var text = input.value;
      var asked = ++latest;
      if (!text.trim()) {
        box.hidden = true;
        output.textContent = "";
        return;
      }
      fetch(input.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrfToken(input)
        },
        body: JSON.stringify({ input: text })
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && asked === latest) {
            show(body);
          }
        })
        .catch(function () { /* the preview is a help, never a blocker */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, PREVIEW_DELAY_MS);
    });
    if (input.value) {
      ask();
    }
  }

  // --- Drill countdown ----------------------------------------------------------------------

  function setUpCountdown(timer) {
    var value = timer.querySelector("[data-countdown-value]");
    var endsAt = Date.now() + Number(timer.dataset.countdown) * 1000;
    var tick = window.setInterval(function () {
      if (!document.body.contains(timer)) {
        window.clearInterval(tick);
        return;
      }
      var left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      value.textContent = String(left);
      timer.classList.toggle("countdown--low", left <= 10);
      if (left === 0) {
        window.clearInterval(tick);
        if (window.htmx) {
          window.htmx.ajax("GET", timer.dataset.countdownUrl, { target: "#player", swap: "innerHTML" });
        } else {
          window.location.assign(timer.dataset.countdownUrl);
        }
      }
    }, 250);
  }

  // --- Set-up -------------------------------------------------------------------------------

  function setUp(root) {
    each(root, "form[data-answer-form]", setUpTimer);
    each(root, "[data-keypad]", setUpKeypad);
    each(root, "input[data-preview-url]", setUpPreview);
    each(root, "[data-countdown]", setUpCountdown);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document.body); });
  } else {
    setUp(document.body);
  }
  // htmx fires htmx:load for the body on start-up too: guard against setting up twice.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (root && root !== document.body) {
      setUp(root);
    }
  });
})();
