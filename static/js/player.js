/*
 * The lesson player's behaviour, on top of forms that work without it:
 * - times each answer: `response_ms` is set when the answer form is first submitted, counted
 *   from when the question was shown (a second click sends the same form, so the server's
 *   idempotency key answers it once, and is blocked here anyway);
 * - the math keypad: one tab stop (roving tabindex; arrows, Home, End), typing at the cursor;
 * - "interpreted as": expression answers are previewed as LaTeX by POST /api/v1/math/preview;
 * - keys 1–9 choose a multiple-choice option;
 * - focus: to the feedback heading after an answer, to the next question's answer box, to a new
 *   hint, to the summary heading at the end (never lost to <body>);
 * - sounds (only with <body data-sounds="on">) and spoken feedback (<body data-voice="on">);
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

  // --- Keypad ---------------------------------------------------------------------------

  function setUpKeypad(keypad) {
    var input = document.getElementById(keypad.dataset.keypadFor);
    if (!input) {
      return;
    }
    var method = input.form && input.form.querySelector("input[name=input_method]");
    var keys = Array.prototype.slice.call(keypad.querySelectorAll(".keypad__key"));
    var rows = Array.prototype.map.call(keypad.querySelectorAll(".keypad__row"), function (row) {
      return Array.prototype.slice.call(row.querySelectorAll(".keypad__key"));
    });
    keypad.hidden = false;
    // Keys pressed before the box was touched go to the end of what it holds.
    input.setSelectionRange(input.value.length, input.value.length);
    // The keypad replaces the phone's own keyboard, which would cover it (a physical keyboard
    // still types).
    input.setAttribute("inputmode", "none");

    function moveTo(key) {
      keys.forEach(function (each) { each.tabIndex = each === key ? 0 : -1; });
      key.focus();
    }

    function caret() {
      var start = input.selectionStart === null ? input.value.length : input.selectionStart;
      var end = input.selectionEnd === null ? input.value.length : input.selectionEnd;
      return [start, end];
    }

    function press(key) {
      var range = caret();
      var start = range[0];
      var end = range[1];
      var action = key.dataset.action;
      if (action === "backspace") {
        if (start === end && start > 0) {
          start -= 1;
        }
        input.setRangeText("", start, end, "end");
      } else if (action === "clear") {
        input.value = "";
      } else if (action === "left") {
        var left = Math.max(0, start === end ? start - 1 : start);
        input.setSelectionRange(left, left);
      } else if (action === "right") {
        var right = Math.min(input.value.length, start === end ? end + 1 : end);
        input.setSelectionRange(right, right);
      } else {
        input.setRangeText(key.dataset.key, start, end, "end");
        var back = Number(key.dataset.back || 0);
        if (back) {
          var at = input.selectionEnd - back;
          input.setSelectionRange(at, at);
        }
      }
      if (method) {
        method.value = "keypad";
      }
      if (action !== "left" && action !== "right") {
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }

    keypad.addEventListener("click", function (event) {
      var key = event.target.closest(".keypad__key");
      if (key) {
        press(key);
        moveTo(key);
      }
    });

    keypad.addEventListener("keydown", function (event) {
      var key = event.target.closest(".keypad__key");
      if (!key) {
        return;
      }
      var row = -1;
      var column = -1;
      rows.forEach(function (each, r) {
        var c = each.indexOf(key);
        if (c >= 0) {
          row = r;
          column = c;
        }
      });
      var index = keys.indexOf(key);
      var target = null;
      if (event.key === "ArrowRight") {
        target = keys[(index + 1) % keys.length];
      } else if (event.key === "ArrowLeft") {
        target = keys[(index - 1 + keys.length) % keys.length];
      } else if (event.key === "ArrowDown" && row < rows.length - 1) {
        var below = rows[row + 1];
        target = below[Math.min(column, below.length - 1)];
      } else if (event.key === "ArrowUp" && row > 0) {
        var above = rows[row - 1];
        target = above[Math.min(column, above.length - 1)];
      } else if (event.key === "Home") {
        target = keys[0];
      } else if (event.key === "End") {
        target = keys[keys.length - 1];
      }
      if (target) {
        event.preventDefault();
        moveTo(target);
      }
    });
  }

  // --- Multiple choice: keys 1–9 -----------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) {
      return;
    }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) {
      return;
    }
    var choice = document.querySelector("[data-choices] [data-choice-key='" + event.key + "']");
    if (choice) {
      event.preventDefault();
      choice.focus();
      choice.click();
    }
  });

  // --- "Interpreted as" preview -------------------------------------------------------------

  function setUpPreview(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var output = box && box.querySelector("output");
    if (!output) {
      return;
    }
    var timer = null;
    var latest = 0;
    // The question's variables: the same reading as the server's, which refuses what fails here.
    var variables = (input.dataset.variables || "").split(",").filter(Boolean);

    var label = box.querySelector(".preview__label");

    function show(body) {
      box.hidden = false;
      box.classList.toggle("preview--error", !body.valid);
      if (label) {
        label.textContent = body.valid ? "Interpreted as" : "Cannot read this yet:";
      }
      if (body.valid && window.katex) {
        window.katex.render(body.latex, output, { throwOnError: false });
      } else if (body.valid) {
        output.textContent = body.latex;
      } else {
        output.textContent = body.error
          ? body.error + (body.position != null ? " (at character " + (body.position + 1) + ")." : "")
          : "Check what you typed.";
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
        body: JSON.stringify(variables.length ? { input: text, variables: variables } : { input: text })
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

  // --- Focus, sounds and voice after each step ----------------------------------------------

  function focusIn(root) {
    // A hint swapped in alone takes the focus; a whole card gives it to its [data-autofocus].
    var whole = root.querySelector(".player__card");
    var target = whole ? root.querySelector("[data-autofocus]") : root.querySelector("[data-new-hint]");
    if (target) {
      target.focus({ preventScroll: false });
      if (target.tagName === "INPUT" && target.type === "text") {
        // An answer sent back to be corrected: the caret at its end, where the fix usually goes.
        target.setSelectionRange(target.value.length, target.value.length);
      }
    }
  }

  function play(name) {
    var player = document.getElementById("player");
    if (!name || !player || document.body.dataset.sounds !== "on") {
      return;
    }
    var url = player.getAttribute("data-sound-" + name);
    if (!url || typeof window.Audio !== "function") {
      return;
    }
    try {
      var sound = new window.Audio(url);
      var playing = sound.play();
      if (playing && playing.catch) {
        playing.catch(function () { /* autoplay refused: silence is fine */ });
      }
    } catch (error) { /* no sound support */ }
  }

  function speak(text) {
    if (!text || document.body.dataset.voice !== "on" || !("speechSynthesis" in window) ||
        typeof window.SpeechSynthesisUtterance !== "function") {
      return;
    }
    try {
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(new window.SpeechSynthesisUtterance(text));
    } catch (error) { /* no voice: the live region still reads it */ }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.querySelector) {
      return;
    }
    focusIn(target);
    var summary = target.querySelector(".summary[data-sound]");
    var feedback = target.querySelector(".feedback[data-sound]");
    play(summary ? summary.dataset.sound : feedback && feedback.dataset.sound);
    if (feedback) {
      speak(feedback.dataset.spoken);
    }
  });

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
